package dev.elixr.tasks.train;

import dev.elixr.tasks.data.Augmentation;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.CxrImageCodec;
import dev.elixr.tasks.data.ImageReadException;
import dev.elixr.tasks.data.Preprocess;
import dev.elixr.tasks.progress.Progress;
import dev.elixr.tensor.Tensor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The images of a split decoded once, resized to the model's input and stretched to [0, 1] (min-shift, full-range
 * stretch), held in memory as rows of floats; batches are standardised ((v - 0.5) / 0.25) on the way out, after the
 * data module's {@link Augmentation} (crop, small rotation, brightness/contrast; no flips) when training.
 * Unreadable images are reported, counted and left out (one bad file never ends a run).
 */
public final class ImageBank {
    /** The standardisation of the [0, 1] pixels on the way into the image tower: (v - MEAN) / STD. */
    public static final float MEAN = 0.5f, STD = 0.25f;

    private final List<CxrStudy> studies;
    private final float[][] pixels;
    private final int size;

    private ImageBank(List<CxrStudy> studies, float[][] pixels, int size) {
        this.studies = studies;
        this.pixels = pixels;
        this.size = size;
    }

    public static ImageBank load(List<CxrStudy> all, int size, PrintStream log, String what) {
        float[][] px = new float[all.size()][];
        Progress progress = new Progress("decode " + what, all.size(), "img");
        IntStream.range(0, all.size()).parallel().forEach(i -> {
            try {
                px[i] = preprocess(CxrImageCodec.read(all.get(i).image()), size);
            } catch (ImageReadException | RuntimeException e) {
                synchronized (log) { log.println("elixr: skipping unreadable image " + all.get(i).image() + ": " + e.getMessage()); }
            }
            progress.advance(1, "");
        });
        List<CxrStudy> kept = new ArrayList<>();
        List<float[]> keptPx = new ArrayList<>();
        for (int i = 0; i < px.length; i++) if (px[i] != null) { kept.add(all.get(i)); keptPx.add(px[i]); }
        if (kept.size() < all.size()) log.println("elixr: " + (all.size() - kept.size()) + " of " + all.size() + " " + what + " images unreadable, skipped");
        return new ImageBank(List.copyOf(kept), keptPx.toArray(float[][]::new), size);
    }

    /** Resize to size x size and stretch to [0,1]. */
    public static float[] preprocess(GreyImage img, int size) {
        return Preprocess.stretch(Preprocess.resize(img, size, size).pixels());
    }

    /** Pixels of the given rows as [B,1,S,S], augmented when a generator is given (training only). */
    public Tensor batch(int[] rows, SplittableRandom aug) {
        int plane = size * size;
        float[] out = new float[rows.length * plane];
        for (int b = 0; b < rows.length; b++) {
            float[] px = pixels[rows[b]];
            if (aug != null) {
                px = Augmentation.DEFAULT.crop(new GreyImage(size, size, px), size, size, aug).pixels();
                Augmentation.DEFAULT.jitter(px, size, size, aug);
            }
            for (int i = 0; i < plane; i++) out[b * plane + i] = (px[i] - MEAN) / STD;
        }
        return Tensor.wrap(out, rows.length, 1, size, size);
    }

    /** The bank restricted to the given rows (e.g. a probe's training subset). */
    public ImageBank subset(int[] rows) {
        List<CxrStudy> s = new ArrayList<>();
        float[][] p = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) { s.add(studies.get(rows[i])); p[i] = pixels[rows[i]]; }
        return new ImageBank(s, p, size);
    }

    public List<CxrStudy> studies() { return studies; }

    /** Pixels of image i in [0, 1], row-major. */
    public float[] pixels(int i) { return pixels[i]; }

    public int size() { return size; }

    public int count() { return pixels.length; }
}
