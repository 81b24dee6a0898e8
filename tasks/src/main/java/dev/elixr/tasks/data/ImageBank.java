package dev.elixr.tasks.data;

import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The images of a split after the first two stages of an {@link ImagePipeline} (decoded and preprocessed once, held in
 * memory as rows of [0, 1] floats), with the studies they belong to; {@link #batch} runs the last two stages. Made by
 * {@link ImagePipeline#load}, which leaves unreadable images out.
 */
public final class ImageBank {
    private final ImagePipeline pipeline;
    private final List<CxrStudy> studies;
    private final float[][] pixels;
    private final SkippedItems skipped;

    ImageBank(ImagePipeline pipeline, List<CxrStudy> studies, float[][] pixels, SkippedItems skipped) {
        if (studies.size() != pixels.length)
            throw new IllegalArgumentException("ImageBank: " + studies.size() + " studies but " + pixels.length + " images");
        this.pipeline = pipeline;
        this.studies = List.copyOf(studies);
        this.pixels = pixels;
        this.skipped = skipped;
    }

    /** The image tower's input [B,1,S,S] for the given rows, augmented when a generator is given (training only). */
    public Tensor batch(int[] rows, SplittableRandom augment) {
        return pipeline.batch(pixels, rows, augment);
    }

    /** The bank restricted to the given rows (e.g. a probe's training subset). */
    public ImageBank subset(int[] rows) {
        List<CxrStudy> s = new ArrayList<>();
        float[][] p = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) { s.add(studies.get(rows[i])); p[i] = pixels[rows[i]]; }
        return new ImageBank(pipeline, s, p, new SkippedItems());
    }

    /** The images {@link ImagePipeline#load} left out of this bank, by problem (none for a subset). */
    public SkippedItems skipped() { return skipped; }

    public ImagePipeline pipeline() { return pipeline; }

    public List<CxrStudy> studies() { return studies; }

    /** Image {@code i} after preprocessing: {@code size x size} values in [0, 1]. */
    public GreyImage image(int i) { return new GreyImage(size(), size(), pixels[i]); }

    /** The side of every image in pixels. */
    public int size() { return pipeline.preprocessing().size(); }

    public int count() { return pixels.length; }
}
