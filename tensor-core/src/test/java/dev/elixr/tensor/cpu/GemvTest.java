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
 * the pass heights and the vector length, and 1 vs 2 threads bit-equal; the dot product of two contiguous rows (1×k·k×1,
 * either operand transposed) read in place, against the same reference.
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

    static Stream<Arguments> dots() {
        int vl = Simd.L;
        return java.util.stream.IntStream.of(0, 1, vl - 1, 4 * vl + 3, 1000, 4097, 4096 + 4 * vl, 4096 + 4 * vl + 3, 4096 + 9 * vl + 1, 884_736)
                .mapToObj(k -> Arguments.of(k, (long) k * 31 + 7));
    }

    @ParameterizedTest(name = "k {0}")
    @MethodSource("dots")
    void dotOfTwoContiguousRowsMatchesFloat64ReferenceWithEitherTransposeAndBeta(int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[k + 3], b = new float[k + 5];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
        double want = 0, abs = 0;
        for (int p = 0; p < k; p++) { want += (double) a[3 + p] * b[5 + p]; abs += Math.abs((double) a[3 + p] * b[5 + p]); }
        for (boolean tA : new boolean[] {false, true})
            for (boolean tB : new boolean[] {false, true}) {
                float[] c = {9f, 0.25f};
                Sgemm.sgemm(tA, tB, 1, 1, k, 2f, a, 3, tA ? 1 : Math.max(1, k), b, 5, tB ? Math.max(1, k) : 1, 0.5f, c, 1, 1);
                assertEquals(2 * want + 0.125, c[1], 1e-6 * abs + 1e-6, "tA " + tA + ", tB " + tB);
                assertEquals(9f, c[0], "c before the output untouched");
            }
    }
}
