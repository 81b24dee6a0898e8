package dev.elixr.tensor.matvec;

import dev.elixr.tensor.DType;
import dev.elixr.tensor.SegmentStorage;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/** The fast matrix–vector product equals the reference on each stored type, odd sizes, offsets and strided rows. */
class MatVecTest {
    static IntStream seeds() { return IntStream.range(0, 40); }

    /** W [rows, cols] of the given type in an off-heap segment, starting at element offset, rows ld apart. */
    static Tensor weight(SplittableRandom rng, DType type, int rows, int cols, int offset, int ld) {
        long n = offset + (long) (rows - 1) * ld + cols;
        MemorySegment seg = Arena.ofAuto().allocate(n * type.byteSize(), 8);
        SegmentStorage st = new SegmentStorage(seg, type);
        for (long i = 0; i < n; i++) st.set(i, Float.NaN); // a kernel reading outside the view fails loudly
        Tensor w = new Tensor(st, new int[] {rows, cols}, new int[] {ld, 1}, offset);
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) w.set((float) rng.nextGaussian(), r, c);
        return w;
    }

    static float[] vector(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }

    static void assertNear(float[] expected, float[] actual, int cols, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double tol = 2e-6 * Math.sqrt(cols) * 4;
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol * (1 + Math.abs(expected[i])))) {
                fail(what + ": y[" + i + "] = " + actual[i] + ", reference " + expected[i]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void segmentWeightsOfEachTypeMatchTheReference(int seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        DType type = DType.values()[seed % 3];
        int rows = 1 + rng.nextInt(70), cols = 1 + rng.nextInt(300);
        int offset = rng.nextInt(5), ld = cols + (rng.nextBoolean() ? 0 : rng.nextInt(9));
        Tensor w = weight(rng, type, rows, cols, offset, ld);
        float[] x = vector(rng, cols);
        assertNear(dev.elixr.tensor.reference.MatVec.matvec(w, x), MatVec.matvec(w, x), cols,
                type + " [" + rows + "," + cols + "] offset " + offset + " ld " + ld);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void largeWeightsSplitAcrossThreadsMatchTheReference(DType type) {
        SplittableRandom rng = new SplittableRandom(type.ordinal());
        Tensor w = weight(rng, type, 301, 257, 3, 257);
        float[] x = vector(rng, 257);
        assertNear(dev.elixr.tensor.reference.MatVec.matvec(w, x), MatVec.matvec(w, x), 257, type + " [301,257]");
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void heapWeightsAndStepSlicedRowsMatchTheReference(int seed) {
        SplittableRandom rng = new SplittableRandom(1000 + seed);
        int rows = 1 + rng.nextInt(40), cols = 1 + rng.nextInt(130);
        float[] data = vector(rng, 2 * rows * cols + 3);
        Tensor all = Tensor.wrap(data, 2 * rows * cols + 3).narrow(0, 3, 2 * rows * cols).view(2 * rows, cols);
        Tensor w = all.slice(0, 1, 2 * rows, 2); // every other row: rows 2·cols apart
        float[] x = vector(rng, cols);
        assertNear(dev.elixr.tensor.reference.MatVec.matvec(w, x), MatVec.matvec(w, x), cols, "heap step-sliced [" + rows + "," + cols + "]");
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void heapFloat32WeightsGiveTheBitsOfTheSameWeightsOffHeap(int seed) {
        // RowDots reads a heap float[] with its own loop (fromArray); the operations and their order are the segment loop's
        SplittableRandom rng = new SplittableRandom(4000 + seed);
        int rows = 1 + rng.nextInt(70), cols = 1 + rng.nextInt(300), offset = rng.nextInt(5), ld = cols + rng.nextInt(9);
        Tensor off = weight(rng, DType.F32, rows, cols, offset, ld);
        float[] data = new float[offset + (rows - 1) * ld + cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) data[offset + r * ld + c] = off.get(r, c);
        Tensor heap = new Tensor(Tensor.wrap(data, data.length).storage(), new int[] {rows, cols}, new int[] {ld, 1}, offset);
        float[] x = vector(rng, cols);
        org.junit.jupiter.api.Assertions.assertArrayEquals(MatVec.matvec(off, x), MatVec.matvec(heap, x),
                "[" + rows + "," + cols + "] offset " + offset + " ld " + ld);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void transposedViewsAreCopiedAndMatchTheReference(int seed) {
        SplittableRandom rng = new SplittableRandom(2000 + seed);
        int rows = 2 + rng.nextInt(30), cols = 2 + rng.nextInt(50);
        Tensor w = weight(rng, DType.BF16, cols, rows, 0, rows).t();
        float[] x = vector(rng, cols);
        assertNear(dev.elixr.tensor.reference.MatVec.matvec(w, x), MatVec.matvec(w, x), cols, "transposed [" + rows + "," + cols + "]");
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void toFloat32WidensEveryElementExactly(int seed) {
        SplittableRandom rng = new SplittableRandom(3000 + seed);
        DType type = DType.values()[seed % 3];
        int rows = 1 + rng.nextInt(20), cols = 1 + rng.nextInt(70), ld = cols + rng.nextInt(3);
        Tensor w = weight(rng, type, rows, cols, rng.nextInt(3), ld);
        Tensor f = MatVec.toFloat32(w);
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) assertEquals(w.get(r, c), f.get(r, c), type + " (" + r + "," + c + ")");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void mismatchedSizesAreRefusedNamingTheShapes(DType type) {
        Tensor w = weight(new SplittableRandom(1), type, 3, 5, 0, 5);
        var e = assertThrows(IllegalArgumentException.class, () -> MatVec.matvec(w, new float[4]));
        assertEquals("matvec: weight [3,5] times a vector of 4 (expected 5)", e.getMessage());
    }

    /** BF16 through {@link Bf16Pairs}: widths around multiples of 2L (the pair loads) with offsets, padded rows and one or two threads. */
    @ParameterizedTest
    @MethodSource("seeds")
    void bf16PairKernelMatchesTheReferenceAtWidthsAroundItsStep(int seed) {
        SplittableRandom rng = new SplittableRandom(4000 + seed);
        int step = 2 * Widen.L, cols = Math.max(1, step * (1 + rng.nextInt(6)) + rng.nextInt(5) - 2), rows = 1 + rng.nextInt(90);
        int offset = rng.nextInt(3), ld = cols + (rng.nextBoolean() ? 0 : 1 + rng.nextInt(7));
        Tensor w = weight(rng, DType.BF16, rows, cols, offset, ld);
        float[] x = vector(rng, cols), y = new float[rows];
        float[][] xs = Bf16Pairs.split(x, cols);
        long off = w.offset();
        Bf16Pairs.rows(w.storage().segment(), off, w.stride(0), 0, rows, x, xs, cols, y);
        assertNear(dev.elixr.tensor.reference.MatVec.matvec(w, x), y, cols, "BF16 pairs [" + rows + "," + cols + "] offset " + offset + " ld " + ld);
    }

    @org.junit.jupiter.api.Test
    void bf16RowsGiveTheSameBitsOnOneAndTwoThreadsAndThePairKernelInAnyBand() {
        SplittableRandom rng = new SplittableRandom(77);
        int rows = 333, cols = 1000;
        Tensor w = weight(rng, DType.BF16, rows, cols, 0, cols);
        float[] x = vector(rng, cols), one = new float[rows], two = new float[rows], banded = new float[rows];
        int before = dev.elixr.tensor.Parallel.threads();
        try {
            dev.elixr.tensor.Parallel.setThreads(1);
            MatVec.matvec(w, x, one);
            dev.elixr.tensor.Parallel.setThreads(2);
            MatVec.matvec(w, x, two);
        } finally {
            dev.elixr.tensor.Parallel.setThreads(before);
        }
        float[][] xs = Bf16Pairs.split(x, cols);
        float[] whole = new float[rows];
        Bf16Pairs.rows(w.storage().segment(), 0, cols, 0, rows, x, xs, cols, whole);
        for (int r0 = 0; r0 < rows; r0 += 7) Bf16Pairs.rows(w.storage().segment(), 0, cols, r0, Math.min(rows, r0 + 7), x, xs, cols, banded);
        float[] subBanded = new float[rows]; // bands of 37 rows: four sub-bands of 9 and a leftover row each
        for (int r0 = 0; r0 < rows; r0 += 37) Bf16Pairs.rows(w.storage().segment(), 0, cols, r0, Math.min(rows, r0 + 37), x, xs, cols, subBanded);
        for (int r = 0; r < rows; r++) {
            assertEquals(Float.floatToRawIntBits(one[r]), Float.floatToRawIntBits(two[r]), "row " + r + " on 1 and 2 threads");
            assertEquals(Float.floatToRawIntBits(whole[r]), Float.floatToRawIntBits(banded[r]), "pair kernel, row " + r + " in bands of 7");
            assertEquals(Float.floatToRawIntBits(whole[r]), Float.floatToRawIntBits(subBanded[r]), "pair kernel, row " + r + " in bands of 37");
        }
    }

    /** q, k, v-like matrices of each stored type in one call: the bits of one matvec each, on two threads. */
    @ParameterizedTest
    @EnumSource(DType.class)
    void fusedProductsGiveTheBitsOfOneProductEach(DType type) {
        SplittableRandom rng = new SplittableRandom(78 + type.ordinal());
        int cols = 320;
        Tensor[] ws = {weight(rng, type, 512, cols, 0, cols), weight(rng, type, 131, cols, 2, cols + 3), weight(rng, type, 130, cols, 0, cols)};
        float[] x = vector(rng, cols);
        int before = dev.elixr.tensor.Parallel.threads();
        try {
            dev.elixr.tensor.Parallel.setThreads(2);
            float[][] fused = new float[ws.length][];
            for (int i = 0; i < ws.length; i++) fused[i] = new float[ws[i].size(0)];
            MatVec.matvecs(ws, x, fused);
            for (int i = 0; i < ws.length; i++) {
                float[] one = MatVec.matvec(ws[i], x);
                for (int r = 0; r < one.length; r++) assertEquals(Float.floatToRawIntBits(one[r]), Float.floatToRawIntBits(fused[i][r]), type + " matrix " + i + " row " + r);
            }
        } finally {
            dev.elixr.tensor.Parallel.setThreads(before);
        }
    }
}
