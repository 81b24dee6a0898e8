package dev.elixr.models.elixr;

import dev.elixr.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a decoded grey image (values in [0, 1], any size) becomes the image tower's input, saved with the model config so
 * that a run directory alone reproduces it: an antialiased resize to {@code size x size} ({@link AntialiasedResize};
 * the aspect ratio is not kept), then, with {@code stretch}, a per-image min-shift and full-range stretch to [0, 1] (as
 * the CXR Foundation input; a constant image becomes 0), and on the way into the tower the standardisation
 * {@code (v - mean) / std}. Training augmentation acts between {@link #prepare} and {@link #normalise}, on [0, 1] values.
 */
public record ImagePreprocessing(int size, boolean stretch, float mean, float std) {
    /** The standardisation every ELIXR-C run so far was trained with: (v - 0.5) / 0.25. */
    public static final float MEAN = 0.5f, STD = 0.25f;
    /** Input sides a model can be built for: the conv tower halves the image four times; 4096 is a full-resolution CXR. */
    public static final int MIN_SIZE = 16, MAX_SIZE = 4096;

    public ImagePreprocessing {
        if (size < MIN_SIZE || size > MAX_SIZE)
            throw new IllegalArgumentException("image size " + size + " is outside [" + MIN_SIZE + ", " + MAX_SIZE + "] pixels");
        if (!(std > 0)) throw new IllegalArgumentException("image preprocessing: std must be > 0, got " + std);
    }

    /** Resize to size x size, stretch, standardise with mean 0.5 and std 0.25. */
    public static ImagePreprocessing standard(int size) {
        return new ImagePreprocessing(size, true, MEAN, STD);
    }

    public ImagePreprocessing withSize(int size) {
        return new ImagePreprocessing(size, stretch, mean, std);
    }

    /** Grey pixels in [0, 1] (row-major, {@code width x height}) → {@code size x size} pixels in [0, 1]. */
    public float[] prepare(float[] grey, int width, int height) {
        float[] px = AntialiasedResize.resize(grey, width, height, size, size);
        return stretch ? stretch(px) : px;
    }

    /** Min-shift and full-range stretch to [0, 1]; a constant image becomes all zeros. */
    static float[] stretch(float[] px) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : px) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        float range = hi - lo;
        float[] out = new float[px.length];
        if (range <= 0) return out;
        for (int i = 0; i < px.length; i++) out[i] = (px[i] - lo) / range;
        return out;
    }

    /** {@code (v - mean) / std} of {@code size x size} prepared pixels, written to {@code out} from {@code offset}. */
    public void normalise(float[] prepared, float[] out, int offset) {
        if (prepared.length != size * size)
            throw new IllegalArgumentException("image preprocessing: " + prepared.length + " pixels, expected " + size + "x" + size);
        for (int i = 0; i < prepared.length; i++) out[offset + i] = (prepared[i] - mean) / std;
    }

    /** One decoded grey image as the tower's input [1, 1, size, size]: {@link #prepare}, then {@link #normalise}. */
    public Tensor pixels(float[] grey, int width, int height) {
        float[] out = new float[size * size];
        normalise(prepare(grey, width, height), out, 0);
        return Tensor.wrap(out, 1, 1, size, size);
    }

    /** In words and numbers, for run.json, eval.json and exported embeddings. */
    public Map<String, Object> describe() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("decode", "PNG or JPEG, 8 or 16 bit, to grey values in [0, 1]; colour images to grey by ITU-R BT.601 luma");
        p.put("image_size", size);
        p.put("resize", "to image_size x image_size (aspect ratio not kept), antialiased triangle filter (as PIL's bilinear)");
        p.put("intensity", stretch ? "min-shift and full-range stretch to [0, 1] per image (a constant image becomes 0)" : "as decoded, in [0, 1]");
        p.put("standardise_mean", (double) mean);
        p.put("standardise_std", (double) std);
        p.put("normalisation", "(v - " + mean + ") / " + std);
        p.put("channels", 1);
        p.put("augmentation_at_evaluation", "none");
        return p;
    }
}
