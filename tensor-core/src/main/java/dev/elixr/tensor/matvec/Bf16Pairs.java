package dev.elixr.tensor.matvec;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * y[r] = Σ_k W[r,k]·x[k] over a band of rows of a row-major BF16 matrix read in place, widening two weights per int
 * lane: one int vector load takes 2L weights (a full vector of bytes: 64 at 512 bits), and since a BF16 value is
 * the upper half of a float32, the even weights become floats by a left shift of 16 and the odd ones by masking off
 * the low 16 bits — two integer operations per 2L weights, against {@link Widen}'s load, sign-extension and shift per
 * L. The even weights meet the even elements of x and the odd ones the odd elements, so x is split once per product
 * into its even and odd halves ({@link #split}). Four rows at a time, two accumulators each (even, odd: eight
 * independent FMA chains sharing each pair of x loads); one fixed-order horizontal sum per row, a scalar tail for
 * k mod 2L. A band of 8 rows or more is read as four sub-bands side by side (rows j, j + q, j + 2q, j + 3q of a band of
 * 4q), as {@link RowDots} does, so that each of the four streams runs on from row to row; {@code -Delixr.bf16.subBands=false}
 * goes back to neighbouring rows. The sums run in the same order whatever band a row falls in (the bits do not depend
 * on the thread count). The default BF16 kernel ({@link MatVec#BF16_PAIRS}; {@code -Delixr.bf16.kernel=halves} for
 * {@link RowDots}): over neighbouring rows it read weights from memory slower than RowDots (Zen 5 and the Xeon), in
 * sub-bands faster (the Xeon: 13.0–13.6 against 11.8–12.6 GB/s on one core, docs/results.md).
 */
final class Bf16Pairs {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int L = Widen.L, PAIR = 2 * L;

    private Bf16Pairs() {}

    /** x's even elements then its odd ones, over the first k − k mod 2L elements: {e[0 …], o[0 …]}, each (k − k mod 2L) / 2 long. */
    static float[][] split(float[] x, int k) {
        int half = (k - k % PAIR) / 2;
        float[] even = new float[half], odd = new float[half];
        for (int j = 0; j < half; j++) {
            even[j] = x[2 * j];
            odd[j] = x[2 * j + 1];
        }
        return new float[][] {even, odd};
    }

    /** Rows [r0, r1) of W whose row r starts at element off + r·ld of w; xs is {@link #split}(x, k). */
    static void rows(MemorySegment w, long off, long ld, int r0, int r1, float[] x, float[][] xs, int k, float[] y) {
        float[] even = xs[0], odd = xs[1];
        int kv = k - k % PAIR;
        float[] lanes = new float[L];
        if (RowDots.SUB_BANDS && r1 - r0 >= 8) {
            int q = (r1 - r0) / 4;
            for (int r = r0; r < r0 + q; r++) fourRows(w, off, ld, r, q, x, even, odd, kv, k, y, lanes);
            for (int r = r0 + 4 * q; r < r1; r++) oneRow(w, off, ld, r, x, even, odd, kv, k, y, lanes);
            return;
        }
        int r = r0;
        for (; r + 4 <= r1; r += 4) fourRows(w, off, ld, r, 1, x, even, odd, kv, k, y, lanes);
        for (; r < r1; r++) oneRow(w, off, ld, r, x, even, odd, kv, k, y, lanes);
    }

    /** Rows r, r + gap, r + 2·gap, r + 3·gap: two accumulators each, the pair of x loads shared by the four. */
    private static void fourRows(MemorySegment w, long off, long ld, int r, int gap, float[] x, float[] even, float[] odd, int kv, int k,
                                 float[] y, float[] lanes) {
        long b0 = 2 * (off + r * ld), b1 = b0 + 2 * gap * ld, b2 = b1 + 2 * gap * ld, b3 = b2 + 2 * gap * ld;
        FloatVector e0 = FloatVector.zero(Widen.F), e1 = e0, e2 = e0, e3 = e0, o0 = e0, o1 = e0, o2 = e0, o3 = e0;
        for (int p = 0; p < kv; p += PAIR) {
            FloatVector xe = FloatVector.fromArray(Widen.F, even, p / 2), xo = FloatVector.fromArray(Widen.F, odd, p / 2);
            long at = 2L * p;
            IntVector w0 = IntVector.fromMemorySegment(Widen.I, w, b0 + at, LE), w1 = IntVector.fromMemorySegment(Widen.I, w, b1 + at, LE);
            IntVector w2 = IntVector.fromMemorySegment(Widen.I, w, b2 + at, LE), w3 = IntVector.fromMemorySegment(Widen.I, w, b3 + at, LE);
            e0 = low(w0).fma(xe, e0);
            o0 = high(w0).fma(xo, o0);
            e1 = low(w1).fma(xe, e1);
            o1 = high(w1).fma(xo, o1);
            e2 = low(w2).fma(xe, e2);
            o2 = high(w2).fma(xo, o2);
            e3 = low(w3).fma(xe, e3);
            o3 = high(w3).fma(xo, o3);
        }
        y[r] = RowDots.sum(e0.add(o0), lanes) + tail(w, b0, kv, k, x);
        y[r + gap] = RowDots.sum(e1.add(o1), lanes) + tail(w, b1, kv, k, x);
        y[r + 2 * gap] = RowDots.sum(e2.add(o2), lanes) + tail(w, b2, kv, k, x);
        y[r + 3 * gap] = RowDots.sum(e3.add(o3), lanes) + tail(w, b3, kv, k, x);
    }

    private static void oneRow(MemorySegment w, long off, long ld, int r, float[] x, float[] even, float[] odd, int kv, int k, float[] y, float[] lanes) {
        long b0 = 2 * (off + r * ld);
        FloatVector e0 = FloatVector.zero(Widen.F), o0 = e0;
        for (int p = 0; p < kv; p += PAIR) {
            IntVector w0 = IntVector.fromMemorySegment(Widen.I, w, b0 + 2L * p, LE);
            e0 = low(w0).fma(FloatVector.fromArray(Widen.F, even, p / 2), e0);
            o0 = high(w0).fma(FloatVector.fromArray(Widen.F, odd, p / 2), o0);
        }
        y[r] = RowDots.sum(e0.add(o0), lanes) + tail(w, b0, kv, k, x);
    }

    /** The even weights of a pair vector: each lane's low 16 bits moved to the top. */
    private static FloatVector low(IntVector pairs) { return pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(); }

    /** The odd weights: each lane with its low 16 bits cleared. */
    private static FloatVector high(IntVector pairs) { return pairs.and(0xffff0000).reinterpretAsFloats(); }

    private static float tail(MemorySegment w, long rowByte, int from, int k, float[] x) {
        float t = 0;
        for (int p = from; p < k; p++) t += dev.elixr.tensor.DType.bf16ToFloat(w.get(I16, rowByte + 2L * p)) * x[p];
        return t;
    }
}
