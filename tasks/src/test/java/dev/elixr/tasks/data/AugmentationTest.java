package dev.elixr.tasks.data;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** {@link Augmentation}'s rotation against the plain bilinear rotation it is written from. */
class AugmentationTest {
    static LongStream seeds() { return LongStream.range(0, 20); }

    /** The rotation as first written: Math.clamp per coordinate, every term per pixel (the reference). */
    static void rotateReference(float[] px, int w, int h, double th) {
        float[] src = px.clone();
        float cs = (float) StrictMath.cos(th), sn = (float) StrictMath.sin(th);
        float cx = (w - 1) / 2f, cy = (h - 1) / 2f;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float dx = x - cx, dy = y - cy;
                float sx = Math.clamp(cs * dx + sn * dy + cx, 0f, w - 1.001f), sy = Math.clamp(-sn * dx + cs * dy + cy, 0f, h - 1.001f);
                int x0 = (int) sx, y0 = (int) sy;
                float ax = sx - x0, ay = sy - y0;
                int x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
                float top = src[y0 * w + x0] * (1 - ax) + src[y0 * w + x1] * ax;
                float bot = src[y1 * w + x0] * (1 - ax) + src[y1 * w + x1] * ax;
                px[y * w + x] = top * (1 - ay) + bot * ay;
            }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void rotationGivesTheBitsOfTheReference(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int w = 2 + r.nextInt(60), h = 2 + r.nextInt(60);
        double th = Math.toRadians((r.nextDouble() * 2 - 1) * (seed % 4 == 0 ? 170 : 10)); // corners sampled from beyond the edges too
        float[] px = new float[w * h];
        for (int i = 0; i < px.length; i++) px[i] = (float) r.nextDouble();
        float[] want = px.clone();
        rotateReference(want, w, h, th);
        Augmentation.rotate(px, w, h, th);
        assertArrayEquals(want, px, w + "x" + h + " by " + th);
    }
}
