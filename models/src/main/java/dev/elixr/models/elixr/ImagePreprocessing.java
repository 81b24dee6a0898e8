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
 * {@code decode} names how the decoder makes those [0, 1] values from a file ({@link #DISPLAY}, ours, or
 * {@link #CXR_FOUNDATION}, the released model's); the decoder itself lives with the data readers.
 */
public record ImagePreprocessing(int size, boolean stretch, float mean, float std, String decode) {
    /** The standardisation every ELIXR-C run so far was trained with: (v - 0.5) / 0.25. */
    public static final float MEAN = 0.5f, STD = 0.25f;
    /** Input sides a model can be built for: the conv tower halves the image four times; 4096 is a full-resolution CXR. */
    public static final int MIN_SIZE = 16, MAX_SIZE = 4096;
    /** Ours: a PNG/JPEG's grey values; a DICOM's display image (VOI LUT, else window, else min..max; MONOCHROME1 inverted). */
    public static final String DISPLAY = "display";
    /**
     * The released CXR Foundation / ELIXR's (google/cxr-foundation): the file's window (DICOM), MONOCHROME1 inverted, then
     * the minimum shifted to zero and the full range stretched to 16 bits (truncated) at full resolution, / 65535.
     */
    public static final String CXR_FOUNDATION = "cxr-foundation";

    public ImagePreprocessing {
        if (decode == null) decode = DISPLAY; // configs written before the field existed
        if (!decode.equals(DISPLAY) && !decode.equals(CXR_FOUNDATION))
            throw new IllegalArgumentException("image decode '" + decode + "' is not " + DISPLAY + " or " + CXR_FOUNDATION);
        if (size < MIN_SIZE || size > MAX_SIZE)
            throw new IllegalArgumentException("image size " + size + " is outside [" + MIN_SIZE + ", " + MAX_SIZE + "] pixels");
        if (!(std > 0)) throw new IllegalArgumentException("image preprocessing: std must be > 0, got " + std);
    }

    /** Our decoding ({@link #DISPLAY}). */
    public ImagePreprocessing(int size, boolean stretch, float mean, float std) { this(size, stretch, mean, std, DISPLAY); }

    /** Resize to size x size, stretch, standardise with mean 0.5 and std 0.25. */
    public static ImagePreprocessing standard(int size) {
        return new ImagePreprocessing(size, true, MEAN, STD);
    }

    public ImagePreprocessing withSize(int size) {
        return new ImagePreprocessing(size, stretch, mean, std, decode);
    }

    /**
     * With {@link #CXR_FOUNDATION} decoding the image is already stretched at full resolution (the release resizes
     * that 16-bit image without stretching again), so the per-image stretch after the resize is off; {@link #DISPLAY}
     * restores {@link #standard}'s stretch.
     */
    public ImagePreprocessing withDecode(String d) {
        return new ImagePreprocessing(size, !CXR_FOUNDATION.equals(d), mean, std, d);
    }

    /**
     * Refuses a {@code --decode} other than this (the run's recorded) decoding: a tower trained on one decoding gives
     * embeddings of another space on the other. {@code asked} null (the option left out) always agrees.
     */
    public void requireDecode(String asked, String run) {
        if (asked != null && !asked.equals(decode))
            throw new IllegalArgumentException("--decode " + asked + ": run " + run + " was trained on images decoded as '" + decode
                    + "' and embeds only those; leave --decode out (the run's own is used) or pass --decode " + decode);
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
        p.put("decode", decode.equals(CXR_FOUNDATION)
                ? "cxr-foundation: PNG/JPEG stored values or DICOM modality values (the file's window applied, MONOCHROME1 inverted),"
                        + " minimum shifted to zero and the full range stretched to 0..65535 (truncated) at full resolution, / 65535"
                : "display: PNG or JPEG, 8 or 16 bit, to grey values in [0, 1] (colour by ITU-R BT.601 luma); DICOM's display"
                        + " image (VOI LUT, else window, else min..max; MONOCHROME1 inverted)");
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
