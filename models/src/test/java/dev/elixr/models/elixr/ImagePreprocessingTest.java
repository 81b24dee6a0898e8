package dev.elixr.models.elixr;

import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class ImagePreprocessingTest {
    static float[] ramp(int w, int h) {
        float[] p = new float[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) p[y * w + x] = (x + 2f * y) / (w + 2f * h);
        return p;
    }

    private static double mean(float[] f) {
        double s = 0;
        for (float v : f) s += v;
        return s / f.length;
    }

    @Test
    void resizeAveragesAFineCheckerboardKeepsAConstantAndTheMeanOfARamp() {
        int n = 64;
        float[] checker = new float[n * n];
        for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) checker[y * n + x] = (x + y) % 2;
        for (float v : AntialiasedResize.resize(checker, n, n, 16, 16)) assertEquals(0.5f, v, 0.02f, "a fine checkerboard must average to grey, not alias");
        float[] flat = new float[50 * 30];
        Arrays.fill(flat, 0.3f);
        for (float v : AntialiasedResize.resize(flat, 50, 30, 17, 41)) assertEquals(0.3f, v, 1e-5f);
        float[] r = ramp(100, 100);
        assertEquals(mean(r), mean(AntialiasedResize.resize(r, 100, 100, 150, 150)), 1e-3);
        assertThrows(IllegalArgumentException.class, () -> AntialiasedResize.resize(r, 100, 100, 0, 5));
        var e = assertThrows(IllegalArgumentException.class, () -> AntialiasedResize.resize(r, 99, 100, 10, 10));
        assertTrue(e.getMessage().contains("99x100"), e.getMessage());
    }

    @Test
    void stretchMapsMinToZeroAndMaxToOneAndAConstantImageToZero() {
        assertArrayEquals(new float[] {0f, 0.5f, 1f}, ImagePreprocessing.stretch(new float[] {0.2f, 0.4f, 0.6f}), 1e-6f);
        assertArrayEquals(new float[] {0f, 0f}, ImagePreprocessing.stretch(new float[] {0.7f, 0.7f}));
    }

    @Test
    void standardPreprocessingMapsAnImageToMinusTwoToTwoInOneTensor() {
        ImagePreprocessing p = ImagePreprocessing.standard(16);
        float[] grey = ramp(40, 50);
        float[] prepared = p.prepare(grey, 40, 50);
        assertEquals(256, prepared.length);
        assertArrayEquals(ImagePreprocessing.stretch(AntialiasedResize.resize(grey, 40, 50, 16, 16)), prepared, 0f);
        Tensor t = p.pixels(grey, 40, 50);
        assertArrayEquals(new int[] {1, 1, 16, 16}, t.shape());
        float[] v = t.contiguous().toFloatArray();
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (int i = 0; i < v.length; i++) {
            assertEquals((prepared[i] - 0.5f) / 0.25f, v[i], 0f);
            lo = Math.min(lo, v[i]);
            hi = Math.max(hi, v[i]);
        }
        assertEquals(-2f, lo, 1e-5f);
        assertEquals(2f, hi, 1e-5f);
    }

    @Test
    void withoutStretchTheDecodedRangeIsKept() {
        float[] flat = new float[32 * 32];
        Arrays.fill(flat, 0.75f);
        float[] out = new ImagePreprocessing(16, false, 0.5f, 0.25f).prepare(flat, 32, 32);
        for (float v : out) assertEquals(0.75f, v, 1e-6f);
    }

    @Test
    void badSettingsAndWrongSizesAreRefused() {
        for (int size : new int[] {0, 15, 4097}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new ImagePreprocessing(size, true, 0.5f, 0.25f));
            assertTrue(e.getMessage().contains("image size " + size) && e.getMessage().contains("[16, 4096]"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new ImagePreprocessing(16, true, 0.5f, 0f));
        var e = assertThrows(IllegalArgumentException.class, () -> ImagePreprocessing.standard(16).normalise(new float[10], new float[256], 0));
        assertTrue(e.getMessage().contains("16x16"), e.getMessage());
    }

    /** The resize as first written (each output pixel's taps summed in one loop): the reference of the vertical pass's order. */
    static float[] resizeReferenceVertical(float[] tmp, int outW, int height, int outH) {
        float[] out = new float[outW * outH];
        double scale = (double) height / outH, support = Math.max(1.0, scale);
        for (int y = 0; y < outH; y++) {
            double center = (y + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(center - support)), hi = Math.min(height, (int) Math.ceil(center + support));
            double[] ws = new double[hi - lo];
            double sum = 0;
            for (int j = lo; j < hi; j++) sum += ws[j - lo] = Math.max(0, 1 - Math.abs((j + 0.5 - center) / support));
            if (sum == 0) { ws = new double[] {1}; lo = Math.min(height - 1, (int) center); sum = 1; }
            for (int x = 0; x < outW; x++) {
                double acc = 0;
                for (int k = 0; k < ws.length; k++) acc += (float) (ws[k] / sum) * tmp[(lo + k) * outW + x];
                out[y * outW + x] = (float) acc;
            }
        }
        return out;
    }

    @Test
    void resizeSumsEachPixelsTapsInTheReferenceOrder() {
        // a resize of height only (same width) is the vertical pass alone on the input
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int[] s : new int[][] {{23, 40, 17}, {31, 29, 90}, {96, 86, 96}, {5, 100, 7}}) {
            int w = s[0], h = s[1], outH = s[2];
            float[] in = new float[w * h];
            for (int i = 0; i < in.length; i++) in[i] = (float) r.nextDouble();
            assertArrayEquals(resizeReferenceVertical(in, w, h, outH), AntialiasedResize.resize(in, w, h, w, outH), w + "x" + h + " to height " + outH);
        }
    }
}
