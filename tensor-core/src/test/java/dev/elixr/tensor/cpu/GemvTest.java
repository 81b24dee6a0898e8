package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Gemv}'s combination form y = x·W (W [k, cols] row-major, a padded leading dimension and an offset) with
 * every rows-per-pass variant (1, 4, 8, 16; each runs on any machine) against a float64 reference, on sizes around
 * the pass heights and the vector length, and 1 vs 2 threads bit-equal.
 */
class GemvTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int vl = Simd.L;
        int[][] shapes = {{1, 1}, {3, vl - 1}, {15, vl + 1}, {16, 2 * vl}, {17, 3 * vl + 5}, {33, 97}, {47, 300}, {200, 517}, {768, 3 * vl}};
        long seed = 1;
        for (int rows : new int[] {1, 4, 8, 16})
            for (int[] s : shapes) out.add(Arguments.of(rows, s[0], s[1], seed++));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} rows per pass, k {1}, cols {2}")
    @MethodSource("cases")
    void combinationMatchesFloat64ReferenceOnOneAndTwoThreads(int passRows, int k, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int ld = cols + 3, off = 5;
        float[] w = new float[off + k * ld], x = new float[k];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < k; i++) x[i] = (float) r.nextDouble(-1, 1);
        MemorySegment seg = MemorySegment.ofArray(w);
        float[] one = new float[cols];
        Gemv.combine(seg, off, ld, cols, x, k, one, 1, passRows);
        for (int j = 0; j < cols; j++) {
            double s = 0, abs = 0;
            for (int p = 0; p < k; p++) {
                double t = (double) x[p] * w[off + p * ld + j];
                s += t;
                abs += Math.abs(t);
            }
            assertEquals(s, one[j], 1e-5 * abs + 1e-7, "y[" + j + "]");
        }
        int old = Parallel.threads();
        try {
            Parallel.setThreads(2);
            float[] two = new float[cols];
            Gemv.combine(seg, off, ld, cols, x, k, two, 2, passRows);
            assertArrayEquals(one, two, "1 vs 2 threads");
        } finally {
            Parallel.setThreads(old);
        }
    }

    @org.junit.jupiter.api.Test
    void passRowsAreEightUnlessForced() {
        assertEquals(8, Gemv.passRows(null));
        assertEquals(8, Gemv.passRows(""));
        assertEquals(16, Gemv.passRows("16"));
        assertThrows(IllegalArgumentException.class, () -> Gemv.passRows("12"));
    }
}
