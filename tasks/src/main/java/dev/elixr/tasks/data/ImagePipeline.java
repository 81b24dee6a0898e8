package dev.elixr.tasks.data;

import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.models.image.ImageDecodeException;
import dev.elixr.tasks.progress.Progress;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The one path of an image from its file to the image tower, used by training, every evaluation and {@code embed}:
 * <ol>
 *   <li>decode ({@link CxrImageFile}: DICOM Part 10, PNG or JPEG, 8 to 16 bit, to grey values in [0, 1], as the
 *   preprocessing's {@code decode} names: our display image or CXR Foundation's 16-bit stretch);</li>
 *   <li>preprocess (the model's saved {@link ImagePreprocessing}: resize to the input size, intensity stretch);</li>
 *   <li>augment, in training only ({@link Augmentation}: crop, small rotation, brightness/contrast; no flips);</li>
 *   <li>batch (standardise with the preprocessing's mean and std into [B,1,S,S]).</li>
 * </ol>
 * Stages 1-2 run once per image ({@link #load} keeps their result in an {@link ImageBank}: on the heap, or, when the
 * system property {@value ImageStore#ROOT_PROPERTY} names a folder (the CLI sets it), in a memory-mapped
 * {@link ImageStore} built once and reused by later runs), stages 3-4 per batch.
 */
public record ImagePipeline(ImagePreprocessing preprocessing, Augmentation augmentation) {

    /** The pipeline of a model's preprocessing with the default training augmentation. */
    public static ImagePipeline of(ImagePreprocessing preprocessing) {
        return new ImagePipeline(preprocessing, Augmentation.DEFAULT);
    }

    /** Stages 1-2: one file decoded and preprocessed to {@code size x size} values in [0, 1]. */
    public float[] read(Path file) throws ImageReadException {
        GreyImage g = CxrImageFile.read(file, preprocessing.decode());
        return preprocessing.prepare(g.pixels(), g.width(), g.height());
    }

    /**
     * Stages 1-2 for the images of a split, decoded in parallel; an unreadable image is reported on {@code log} (the
     * first {@link SkippedItems#NAMED} of a split; the rest are counted only), counted
     * by its problem in the bank's {@link ImageBank#skipped()} and left out (one bad file never ends a run). {@code what}
     * names the split in the progress line and in the skip counts. The images go to the {@link ImageStore} in the folder
     * {@link ImageStore#root()} names, when it names one; else onto the heap.
     */
    public ImageBank load(List<CxrStudy> studies, PrintStream log, String what) {
        return load(studies, log, what, ImageStore.root());
    }

    /** As {@link #load(List, PrintStream, String)}, with the images in an {@link ImageStore} under {@code storeRoot}, or on the heap when it is null. */
    public ImageBank load(List<CxrStudy> studies, PrintStream log, String what, Path storeRoot) {
        return storeRoot == null || studies.isEmpty() ? loadInMemory(studies, log, what)
                : loadStored(ImageStore.open(storeRoot, this, studies, log, what), studies, log, what);
    }

    /** The bank of a built store: its decoded images, the unreadable ones reported and counted as {@link #load} does. */
    ImageBank loadStored(ImageStore store, List<CxrStudy> studies, PrintStream log, String what) {
        SkippedItems skipped = new SkippedItems();
        List<CxrStudy> kept = new ArrayList<>();
        int[] index = new int[studies.size()];
        for (int i = 0; i < studies.size(); i++) {
            if (store.decoded(i)) { index[kept.size()] = i; kept.add(studies.get(i)); continue; }
            ImageDecodeException.Problem p = store.problem(i);
            skip(log, skipped, what, studies.get(i).image(), p, studies.get(i).image() + ": " + p.key() + " (recorded in image store " + store.file() + ")");
        }
        if (kept.size() < studies.size())
            log.println("elixr: " + (studies.size() - kept.size()) + " of " + studies.size() + " " + what + " images unreadable, skipped");
        return ImageBank.mapped(this, kept, store, java.util.Arrays.copyOf(index, kept.size()), skipped);
    }

    private ImageBank loadInMemory(List<CxrStudy> studies, PrintStream log, String what) {
        float[][] px = new float[studies.size()][];
        SkippedItems skipped = new SkippedItems();
        Progress progress = new Progress("decode " + what, studies.size(), "img");
        IntStream.range(0, studies.size()).parallel().forEach(i -> {
            Path file = studies.get(i).image();
            try {
                px[i] = read(file);
            } catch (ImageReadException e) {
                skip(log, skipped, what, file, e.problem(), e.getMessage());
            } catch (RuntimeException e) {
                skip(log, skipped, what, file, ImageDecodeException.Problem.CORRUPT, "cannot read image " + file + ": " + e);
            }
            progress.advance(1, "");
        });
        List<CxrStudy> kept = new ArrayList<>();
        List<float[]> keptPx = new ArrayList<>();
        for (int i = 0; i < px.length; i++) if (px[i] != null) { kept.add(studies.get(i)); keptPx.add(px[i]); }
        if (kept.size() < studies.size())
            log.println("elixr: " + (studies.size() - kept.size()) + " of " + studies.size() + " " + what + " images unreadable, skipped");
        return ImageBank.inMemory(this, kept, keptPx.toArray(float[][]::new), skipped);
    }

    private static void skip(PrintStream log, SkippedItems skipped, String what, Path file, ImageDecodeException.Problem p, String message) {
        skipped.add(what, SkippedItems.IMAGES, p.key(), file);
        int n = skipped.total(what, SkippedItems.IMAGES);
        if (n <= SkippedItems.NAMED) synchronized (log) { log.println("elixr: skipping unreadable image (" + message + ")"); }
        if (n == SkippedItems.NAMED + 1) synchronized (log) { log.println("elixr: more unreadable " + what + " images: counted, not listed"); }
    }

    /** Stage 3: a random crop resized back to the input size, then rotation and brightness/contrast (a new array). */
    public float[] augment(float[] prepared, SplittableRandom r) {
        int s = preprocessing.size();
        return augment(prepared, Augmentation.Draws.draw(augmentation, s, s, r));
    }

    /** Stage 3 with the image's random draws made already. */
    private float[] augment(float[] prepared, Augmentation.Draws d) {
        int s = preprocessing.size();
        float[] px = augmentation.crop(new GreyImage(s, s, prepared), s, s, d.crop()).pixels();
        augmentation.jitter(px, s, s, d.jitter());
        return px;
    }

    /** Stage 4 (after stage 3 when {@code augment} is given): the rows of {@code prepared} standardised into [B,1,S,S]. */
    public Tensor batch(float[][] prepared, int[] rows, SplittableRandom augment) {
        return batch(i -> prepared[i], rows, augment);
    }

    /** Stage 4 as {@link #batch(float[][], int[], SplittableRandom)}, with prepared image {@code i} given by {@code prepared}. */
    public Tensor batch(IntFunction<float[]> prepared, int[] rows, SplittableRandom augment) {
        int s = preprocessing.size(), plane = s * s;
        float[] out = new float[rows.length * plane];
        Augmentation.Draws[] draws = new Augmentation.Draws[rows.length];
        if (augment != null) for (int b = 0; b < rows.length; b++) draws[b] = Augmentation.Draws.draw(augmentation, s, s, augment);
        // the draws in image order on this thread, the images then on every core: the same pixels on any thread count
        Parallel.forRange(rows.length, 1, (lo, hi) -> {
            for (int b = lo; b < hi; b++) {
                float[] px = prepared.apply(rows[b]);
                preprocessing.normalise(augment == null ? px : augment(px, draws[b]), out, b * plane);
            }
        });
        return Tensor.wrap(out, rows.length, 1, s, s);
    }
}
