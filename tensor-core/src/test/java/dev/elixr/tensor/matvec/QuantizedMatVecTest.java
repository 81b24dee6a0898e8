package dev.elixr.tensor.matvec;

import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Q8_0 and Q4_0: the block layout, the quantiser's error bound, and the fast matrix–vector product against the reference. */
class QuantizedMatVecTest {
    static IntStream seeds() { return IntStream.range(0, 30); }

    static Tensor normal(SplittableRandom rng, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return Tensor.wrap(v, rows, cols);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void fastProductEqualsTheReferenceOnRandomShapes(int seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        BlockFormat f = BlockFormat.values()[seed % 2];
        int rows = 1 + rng.nextInt(40), cols = 32 * (1 + rng.nextInt(9));
        QuantizedMatrix w = QuantizedMatrix.quantize(normal(rng, rows, cols), f);
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) x[i] = (float) rng.nextGaussian();
        float[] expected = dev.elixr.tensor.reference.QuantizedMatVec.matvec(w, x), y = new float[rows];
        w.matvec(x, y);
        for (int r = 0; r < rows; r++) {
            if (!(Math.abs(expected[r] - y[r]) <= 1e-5 * Math.sqrt(cols) * (1 + Math.abs(expected[r])))) {
                fail(f + " [" + rows + "," + cols + "] row " + r + ": " + y[r] + ", reference " + expected[r]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BlockFormat.class)
    void largeMatricesSplitAcrossThreadsEqualTheReference(BlockFormat f) {
        SplittableRandom rng = new SplittableRandom(f.ordinal() + 50);
        QuantizedMatrix w = QuantizedMatrix.quantize(normal(rng, 257, 320), f);
        float[] x = new float[320];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        float[] expected = dev.elixr.tensor.reference.QuantizedMatVec.matvec(w, x), y = new float[257];
        w.matvec(x, y);
        for (int r = 0; r < y.length; r++) assertEquals(expected[r], y[r], 1e-4 * (1 + Math.abs(expected[r])), f + " row " + r);
    }

    /**
     * Q8_0 rounds to the nearest of 255 levels d·q, d = amax/127: at most half a step, plus the rounding of d to
     * float16 (relative 2⁻¹¹) times |q| ≤ 127. Q4_0 puts the largest-magnitude weight at −8·d and clamps the other
     * end at 7·d, so a weight of the opposite sign near amax can be off by a whole step d = amax/8.
     */
    @ParameterizedTest
    @EnumSource(BlockFormat.class)
    void quantisationErrorStaysWithinTheFormatsBound(BlockFormat f) {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor w = normal(rng, 8, 128);
        QuantizedMatrix q = QuantizedMatrix.quantize(w, f);
        for (int r = 0; r < 8; r++) {
            for (int b = 0; b < 128; b += 32) {
                float amax = 0;
                for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(w.get(r, b + j)));
                double step = f == BlockFormat.Q8_0 ? amax / 127.0 : amax / 8.0;
                double bound = f == BlockFormat.Q8_0 ? step * (0.5 + 127 * 0x1p-11) : step * (1 + 8 * 0x1p-11);
                for (int j = 0; j < 32; j++) {
                    double err = Math.abs(w.get(r, b + j) - q.get(r, b + j));
                    assertTrue(err <= bound + 1e-7, f + " (" + r + "," + (b + j) + "): error " + err + " > bound " + bound);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BlockFormat.class)
    void dequantizeGivesEveryWeightAsGetDoes(BlockFormat f) {
        QuantizedMatrix q = QuantizedMatrix.quantize(normal(new SplittableRandom(8), 5, 96), f);
        Tensor d = q.dequantize();
        for (int r = 0; r < 5; r++) for (int c = 0; c < 96; c++) assertEquals(q.get(r, c), d.get(r, c), f + " (" + r + "," + c + ")");
    }

    @Test
    void q4BlocksHoldWeightJInTheLowNibbleAndJPlus16InTheHighOne() {
        MemorySegment m = Arena.ofAuto().allocate(18);
        m.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, Float.floatToFloat16(0.5f));
        for (int j = 0; j < 16; j++) m.set(ValueLayout.JAVA_BYTE, 2 + j, (byte) (j | (15 - j) << 4));
        QuantizedMatrix w = new QuantizedMatrix(BlockFormat.Q4_0, 1, 32, m);
        for (int j = 0; j < 16; j++) {
            assertEquals(0.5f * (j - 8), w.get(0, j), "weight " + j);
            assertEquals(0.5f * (15 - j - 8), w.get(0, j + 16), "weight " + (j + 16));
        }
        float[] x = new float[32], y = new float[1];
        x[3] = 1;
        x[20] = 2;
        w.matvec(x, y);
        assertEquals(0.5f * (3 - 8) + 2 * 0.5f * (15 - 4 - 8), y[0]);
    }

    /** Q8Rows: group of four rows, block b of each row in turn, scales in the same order; the padded rows are zero. */
    @Test
    void q8RepackedRowsHoldEveryBlocksQuantsAndScaleInGroupOrder() {
        int rows = 7, cols = 96, nb = 3;
        QuantizedMatrix w = QuantizedMatrix.quantize(normal(new SplittableRandom(11), rows, cols), BlockFormat.Q8_0);
        Q8Rows q = Q8Rows.of(w.data(), rows, cols);
        assertEquals(2 * Q8Rows.GROUP * cols, q.quants.byteSize(), "quants of two groups, the second padded");
        for (int r = 0; r < 2 * Q8Rows.GROUP; r++) {
            for (int b = 0; b < nb; b++) {
                int slot = (r / 4 * nb + b) * 4 + r % 4;
                float d = q.scales[slot];
                for (int j = 0; j < 32; j++) {
                    byte v = q.quants.get(ValueLayout.JAVA_BYTE, (long) slot * 32 + j);
                    assertEquals(r < rows ? w.get(r, b * 32 + j) : 0f, d * v, "(" + r + "," + (b * 32 + j) + ")");
                }
            }
        }
    }

    @Test
    void q8BandsThatDoNotStartAtAGroupAreRefused() {
        Q8Rows q = Q8Rows.of(QuantizedMatrix.quantize(Tensor.zeros(8, 32), BlockFormat.Q8_0).data(), 8, 32);
        var e = assertThrows(IllegalArgumentException.class, () -> q.rows(2, 8, new float[32], new float[8]));
        assertEquals("Q8Rows: a band of rows starts at 2, not a multiple of 4", e.getMessage());
    }

    /** Q8LaneRows: group g, block b, weight j holds the quants of the group's rows side by side; scales in (group, block, row) order. */
    @Test
    void q8LaneRowsHoldWeightJOfEveryRowOfAGroupSideBySide() {
        int g = Q8LaneRows.GROUP, rows = g + 3, cols = 96, nb = 3;
        QuantizedMatrix w = QuantizedMatrix.quantize(normal(new SplittableRandom(12), rows, cols), BlockFormat.Q8_0);
        Q8LaneRows q = Q8LaneRows.of(w.data(), rows, cols);
        assertEquals(2L * g * cols, q.quants.byteSize(), "quants of two groups, the second padded");
        for (int r = 0; r < 2 * g; r++) {
            for (int b = 0; b < nb; b++) {
                int slot = r / g * nb + b;
                float d = q.scales[slot * g + r % g];
                for (int j = 0; j < 32; j++) {
                    byte v = q.quants.get(ValueLayout.JAVA_BYTE, ((long) slot * 32 + j) * g + r % g);
                    assertEquals(r < rows ? w.get(r, b * 32 + j) : 0f, d * v, "(" + r + "," + (b * 32 + j) + ")");
                }
            }
        }
    }

    /**
     * Both Q8_0 kernels (one row per lane, the default; four-row groups, -Delixr.q8.kernel=groups) against the float64
     * reference, on shapes with full tiles of four groups, pairs, single groups and a partial last group, and on
     * bands that start inside the matrix.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void bothQ8KernelsEqualTheFloat64ReferenceOnRandomShapesAndBands(int seed) {
        SplittableRandom rng = new SplittableRandom(1000 + seed);
        int g = Q8LaneRows.GROUP, rows = 1 + rng.nextInt(7 * g + 5), cols = 32 * (1 + rng.nextInt(12));
        QuantizedMatrix w = QuantizedMatrix.quantize(normal(rng, rows, cols), BlockFormat.Q8_0);
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) x[i] = (float) rng.nextGaussian();
        float[] expected = dev.elixr.tensor.reference.QuantizedMatVec.matvec(w, x);
        int lcm = 4 * g, start = rng.nextInt(rows / lcm + 1) * lcm;
        float[] lanes = new float[rows], groups = new float[rows];
        Q8LaneRows.of(w.data(), rows, cols).rows(start, rows, x, lanes);
        Q8Rows.of(w.data(), rows, cols).rows(start, rows, x, groups);
        for (int r = start; r < rows; r++) {
            double tol = 1e-5 * Math.sqrt(cols) * (1 + Math.abs(expected[r]));
            if (!(Math.abs(expected[r] - lanes[r]) <= tol)) fail("Q8LaneRows [" + rows + "," + cols + "] row " + r + ": " + lanes[r] + ", reference " + expected[r]);
            if (!(Math.abs(expected[r] - groups[r]) <= tol)) fail("Q8Rows [" + rows + "," + cols + "] row " + r + ": " + groups[r] + ", reference " + expected[r]);
        }
    }

    @Test
    void q8ProductGivesTheSameBitsOnOneAndTwoThreads() {
        SplittableRandom rng = new SplittableRandom(77);
        int rows = 40 * Q8LaneRows.GROUP + 5, cols = 512;
        QuantizedMatrix w = QuantizedMatrix.quantize(normal(rng, rows, cols), BlockFormat.Q8_0);
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) x[i] = (float) rng.nextGaussian();
        float[] one = new float[rows], two = new float[rows];
        int before = dev.elixr.tensor.Parallel.threads();
        try {
            dev.elixr.tensor.Parallel.setThreads(1);
            w.matvec(x, one);
            dev.elixr.tensor.Parallel.setThreads(2);
            w.matvec(x, two);
        } finally {
            dev.elixr.tensor.Parallel.setThreads(before);
        }
        for (int r = 0; r < rows; r++) assertEquals(Float.floatToRawIntBits(one[r]), Float.floatToRawIntBits(two[r]), "row " + r + ": " + one[r] + " vs " + two[r]);
    }

    /** q, k, v-like Q8_0 matrices (and one Q4_0, which leaves the fused path) in one call: the bits of one matvec each, on two threads. */
    @Test
    void fusedProductsGiveTheBitsOfOneProductEach() {
        SplittableRandom rng = new SplittableRandom(78);
        int cols = 256;
        QuantizedMatrix[][] sets = {
                {QuantizedMatrix.quantize(normal(rng, 512, cols), BlockFormat.Q8_0), QuantizedMatrix.quantize(normal(rng, 128 + 3, cols), BlockFormat.Q8_0),
                        QuantizedMatrix.quantize(normal(rng, 130, cols), BlockFormat.Q8_0)},
                {QuantizedMatrix.quantize(normal(rng, 300, cols), BlockFormat.Q8_0), QuantizedMatrix.quantize(normal(rng, 300, cols), BlockFormat.Q4_0)}};
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) x[i] = (float) rng.nextGaussian();
        int before = dev.elixr.tensor.Parallel.threads();
        try {
            dev.elixr.tensor.Parallel.setThreads(2);
            for (QuantizedMatrix[] ws : sets) {
                float[][] fused = new float[ws.length][];
                for (int i = 0; i < ws.length; i++) fused[i] = new float[ws[i].rows()];
                QuantizedMatrix.matvecs(x, ws, fused);
                for (int i = 0; i < ws.length; i++) {
                    float[] one = new float[ws[i].rows()];
                    ws[i].matvec(x, one);
                    for (int r = 0; r < one.length; r++) assertEquals(Float.floatToRawIntBits(one[r]), Float.floatToRawIntBits(fused[i][r]), "matrix " + i + " row " + r);
                }
            }
        } finally {
            dev.elixr.tensor.Parallel.setThreads(before);
        }
    }

    @Test
    void q8LaneRowBandsThatDoNotStartAtAGroupAreRefused() {
        int g = Q8LaneRows.GROUP;
        Q8LaneRows q = Q8LaneRows.of(QuantizedMatrix.quantize(Tensor.zeros(2 * g, 32), BlockFormat.Q8_0).data(), 2 * g, 32);
        var e = assertThrows(IllegalArgumentException.class, () -> q.rows(2, 2 * g, new float[32], new float[2 * g]));
        assertEquals("Q8LaneRows: a band of rows starts at 2, not a multiple of " + g, e.getMessage());
    }

    @Test
    void columnsThatAreNotWholeBlocksAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> QuantizedMatrix.quantize(Tensor.zeros(2, 40), BlockFormat.Q8_0));
        assertEquals("quantize Q8_0: [2,40] has 40 columns, not a multiple of 32", e.getMessage());
    }
}
