package dev.elixr.tasks.data;

import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * The images of a split after the first two stages of an {@link ImagePipeline} (decoded and preprocessed once to rows
 * of [0, 1] floats), with the studies they belong to; {@link #batch} runs the last two stages. The rows live either on
 * the heap or in a memory-mapped {@link ImageStore}, read one image at a time as a batch is assembled. Made by
 * {@link ImagePipeline#load}, which leaves unreadable images out.
 */
public final class ImageBank {
    private final ImagePipeline pipeline;
    private final List<CxrStudy> studies;
    private final IntFunction<float[]> rows;
    private final SkippedItems skipped;
    private final boolean mapped;

    private ImageBank(ImagePipeline pipeline, List<CxrStudy> studies, IntFunction<float[]> rows, SkippedItems skipped, boolean mapped) {
        this.pipeline = pipeline;
        this.studies = List.copyOf(studies);
        this.rows = rows;
        this.skipped = skipped;
        this.mapped = mapped;
    }

    /** A bank whose prepared images are held on the heap. */
    static ImageBank inMemory(ImagePipeline pipeline, List<CxrStudy> studies, float[][] pixels, SkippedItems skipped) {
        if (studies.size() != pixels.length)
            throw new IllegalArgumentException("ImageBank: " + studies.size() + " studies but " + pixels.length + " images");
        return new ImageBank(pipeline, studies, i -> pixels[i], skipped, false);
    }

    /** A bank reading its prepared images from {@code store}: bank row {@code i} is store image {@code index[i]}. */
    static ImageBank mapped(ImagePipeline pipeline, List<CxrStudy> studies, ImageStore store, int[] index, SkippedItems skipped) {
        if (studies.size() != index.length)
            throw new IllegalArgumentException("ImageBank: " + studies.size() + " studies but " + index.length + " images");
        return new ImageBank(pipeline, studies, i -> store.read(index[i]), skipped, true);
    }

    /** The image tower's input [B,1,S,S] for the given rows, augmented when a generator is given (training only). */
    public Tensor batch(int[] rows, SplittableRandom augment) {
        return pipeline.batch(this.rows, rows, augment);
    }

    /** The bank restricted to the given rows (e.g. a probe's training subset). */
    public ImageBank subset(int[] rows) {
        List<CxrStudy> s = new ArrayList<>();
        for (int row : rows) s.add(studies.get(row));
        int[] picked = rows.clone();
        return new ImageBank(pipeline, s, i -> this.rows.apply(picked[i]), new SkippedItems(), mapped);
    }

    /** The images {@link ImagePipeline#load} left out of this bank, by problem (none for a subset). */
    public SkippedItems skipped() { return skipped; }

    public ImagePipeline pipeline() { return pipeline; }

    public List<CxrStudy> studies() { return studies; }

    /** Image {@code i} after preprocessing: {@code size x size} values in [0, 1]. */
    public GreyImage image(int i) { return new GreyImage(size(), size(), rows.apply(i)); }

    /** Whether the prepared images are read from a memory-mapped {@link ImageStore} (else they are on the heap). */
    public boolean mapped() { return mapped; }

    /** The side of every image in pixels. */
    public int size() { return pipeline.preprocessing().size(); }

    public int count() { return studies.size(); }
}
