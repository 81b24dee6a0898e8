package dev.elixr.tasks.data;

import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.testing.WithThreads;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@link ImagePipeline#batch}: the random draws made image by image on the calling thread, the images then augmented
 * on every core; the pixels are those of {@link Augmentation#crop} then {@link Augmentation#jitter} applied to the
 * images one after another with the same generator, on one thread or two.
 */
class AugmentedBatchTest {
    private static final int SIZE = 40, IMAGES = 7;

    private static float[][] images() {
        SplittableRandom r = new SplittableRandom(5);
        float[][] px = new float[IMAGES][SIZE * SIZE];
        for (float[] p : px) for (int i = 0; i < p.length; i++) p[i] = (float) r.nextDouble();
        return px;
    }

    @Test
    void aBatchOnOneOrTwoThreadsIsTheImagesCroppedAndJitteredInTurnWithTheSameGenerator() throws Exception {
        ImagePipeline pipeline = ImagePipeline.of(ImagePreprocessing.standard(SIZE));
        float[][] px = images();
        int[] rows = {3, 0, 6, 6, 1, 5, 2, 4};
        float[] want = new float[rows.length * SIZE * SIZE];
        SplittableRandom serial = new SplittableRandom(11);
        for (int b = 0; b < rows.length; b++) { // crop, then jitter, each drawing from the one generator, image after image
            float[] cropped = pipeline.augmentation().crop(new GreyImage(SIZE, SIZE, px[rows[b]]), SIZE, SIZE, serial).pixels();
            pipeline.augmentation().jitter(cropped, SIZE, SIZE, serial);
            pipeline.preprocessing().normalise(cropped, want, b * SIZE * SIZE);
        }
        for (int threads = 1; threads <= 2; threads++) {
            float[] got = WithThreads.run(threads, () -> pipeline.batch(px, rows, new SplittableRandom(11)).toFloatArray());
            assertArrayEquals(want, got, 0f, threads + " thread(s)");
        }
    }

    @Test
    void aBatchWithoutAugmentationIsTheImagesNormalised() throws Exception {
        ImagePipeline pipeline = ImagePipeline.of(ImagePreprocessing.standard(SIZE));
        float[][] px = images();
        int[] rows = {2, 2, 0};
        float[] want = new float[rows.length * SIZE * SIZE];
        for (int b = 0; b < rows.length; b++) pipeline.preprocessing().normalise(px[rows[b]], want, b * SIZE * SIZE);
        float[] got = WithThreads.run(2, () -> pipeline.batch(px, rows, null).toFloatArray());
        assertArrayEquals(want, got, 0f);
    }
}
