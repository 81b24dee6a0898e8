package dev.elixr.tensor.matvec;

import dev.elixr.tensor.DType;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * y[r] = Σ_k W[r,k]·x[k] over a band of rows of a row-major W kept in its stored type (F32, F16 or BF16) — the
 * memory-bound half of batch-1 decoding, where every weight is read once per token. Strategy: four rows at a time
 * (half precision: one from each quarter of the band, so that each of the four read streams runs on from row to row),
 * one float accumulator vector per row along K, x loaded once per step and shared by the four rows; half-precision
 * lanes are widened in registers ({@link Widen}) so W stays half size in memory and in the caches; one
 * fixed-order horizontal sum per row, a scalar tail for K mod L. Threads split the rows ({@link MatVec}).
 */
final class RowDots {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int L = Widen.L;

    private RowDots() {}

    /** Rows [r0, r1) of W whose row r starts at element off + r·ld of w. */
    static void rows(DType type, MemorySegment w, long off, long ld, int r0, int r1, float[] x, int k, float[] y) {
        switch (type) {
            case F32 -> f32(w, off, ld, r0, r1, x, k, y);
            case BF16 -> half(true, w, off, ld, r0, r1, x, k, y);
            case F16 -> half(false, w, off, ld, r0, r1, x, k, y);
        }
    }

    private static void f32(MemorySegment w, long off, long ld, int r0, int r1, float[] x, int k, float[] y) {
        if (w.heapBase().orElse(null) instanceof float[] a) {
            f32(a, Math.toIntExact(w.address() / 4 + off), Math.toIntExact(ld), r0, r1, x, k, y);
            return;
        }
        int kv = k - k % L;
        float[] lanes = new float[L];
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            long b0 = 4 * (off + r * ld), b1 = b0 + 4 * ld, b2 = b1 + 4 * ld, b3 = b2 + 4 * ld;
            FloatVector s0 = FloatVector.zero(Widen.F), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0; p < kv; p += L) {
                FloatVector xv = FloatVector.fromArray(Widen.F, x, p);
                long o = 4L * p;
                s0 = FloatVector.fromMemorySegment(Widen.F, w, b0 + o, ByteOrder.LITTLE_ENDIAN).fma(xv, s0);
                s1 = FloatVector.fromMemorySegment(Widen.F, w, b1 + o, ByteOrder.LITTLE_ENDIAN).fma(xv, s1);
                s2 = FloatVector.fromMemorySegment(Widen.F, w, b2 + o, ByteOrder.LITTLE_ENDIAN).fma(xv, s2);
                s3 = FloatVector.fromMemorySegment(Widen.F, w, b3 + o, ByteOrder.LITTLE_ENDIAN).fma(xv, s3);
            }
            y[r] = sum(s0, lanes) + tailF32(w, b0, kv, k, x);
            y[r + 1] = sum(s1, lanes) + tailF32(w, b1, kv, k, x);
            y[r + 2] = sum(s2, lanes) + tailF32(w, b2, kv, k, x);
            y[r + 3] = sum(s3, lanes) + tailF32(w, b3, kv, k, x);
        }
        for (; r < r1; r++) {
            long b0 = 4 * (off + r * ld);
            FloatVector s0 = FloatVector.zero(Widen.F);
            for (int p = 0; p < kv; p += L)
                s0 = FloatVector.fromMemorySegment(Widen.F, w, b0 + 4L * p, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(Widen.F, x, p), s0);
            y[r] = sum(s0, lanes) + tailF32(w, b0, kv, k, x);
        }
    }

    /**
     * {@link #f32(MemorySegment, long, long, int, int, float[], int, float[])} on a heap float[] (weights held in the
     * heap, as trained or loaded from safetensors): the same operations in the same order (the same bits), read with
     * {@code fromArray}. A process that also reads mapped segments (image stores, mapped weights) leaves the segment
     * loads a shared type profile that C2 compiled to an out-of-line base lookup per vector (a fifth of the demo's
     * language evaluations on an AVX2 Zen 3).
     */
    private static void f32(float[] w, int off, int ld, int r0, int r1, float[] x, int k, float[] y) {
        int kv = k - k % L;
        float[] lanes = new float[L];
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            int b0 = off + r * ld, b1 = b0 + ld, b2 = b1 + ld, b3 = b2 + ld;
            FloatVector s0 = FloatVector.zero(Widen.F), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0; p < kv; p += L) {
                FloatVector xv = FloatVector.fromArray(Widen.F, x, p);
                s0 = FloatVector.fromArray(Widen.F, w, b0 + p).fma(xv, s0);
                s1 = FloatVector.fromArray(Widen.F, w, b1 + p).fma(xv, s1);
                s2 = FloatVector.fromArray(Widen.F, w, b2 + p).fma(xv, s2);
                s3 = FloatVector.fromArray(Widen.F, w, b3 + p).fma(xv, s3);
            }
            y[r] = sum(s0, lanes) + tail(w, b0, kv, k, x);
            y[r + 1] = sum(s1, lanes) + tail(w, b1, kv, k, x);
            y[r + 2] = sum(s2, lanes) + tail(w, b2, kv, k, x);
            y[r + 3] = sum(s3, lanes) + tail(w, b3, kv, k, x);
        }
        for (; r < r1; r++) {
            int b0 = off + r * ld;
            FloatVector s0 = FloatVector.zero(Widen.F);
            for (int p = 0; p < kv; p += L) s0 = FloatVector.fromArray(Widen.F, w, b0 + p).fma(FloatVector.fromArray(Widen.F, x, p), s0);
            y[r] = sum(s0, lanes) + tail(w, b0, kv, k, x);
        }
    }

    private static float tail(float[] w, int row, int from, int k, float[] x) {
        float t = 0;
        for (int p = from; p < k; p++) t += w[row + p] * x[p];
        return t;
    }

    /** The lanes of v added left to right: the same bits in every JIT tier (reduceLanes leaves the order open). */
    static float sum(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float t = 0;
        for (float f : lanes) t += f;
        return t;
    }

    private static float tailF32(MemorySegment w, long rowByte, int from, int k, float[] x) {
        float t = 0;
        for (int p = from; p < k; p++) t += w.get(F32, rowByte + 4L * p) * x[p];
        return t;
    }

    /**
     * A band's rows taken as four sub-bands read side by side (row j of each quarter of the band at once) rather than
     * four neighbouring rows: each of the four streams then runs on from one row into the next, where four neighbouring
     * rows end three streams every four rows (a row of 1024 BF16 weights is 32 cache lines) and the prefetchers start
     * them again. Measured on the 336M random Llama's BF16 decode, 2 threads, alternated with the neighbouring rows
     * (docs/results.md): 41.6–42.6 tok/s against 36.4–39.0 in three pairs, even in three more (mean 43.7 against 41.2).
     * The same bits either way: a row's sum does not depend on its neighbours. {@code -Delixr.bf16.subBands=false} goes
     * back to neighbouring rows.
     */
    static final boolean SUB_BANDS = Boolean.parseBoolean(System.getProperty("elixr.bf16.subBands", "true"));

    private static void half(boolean bf16, MemorySegment w, long off, long ld, int r0, int r1, float[] x, int k, float[] y) {
        float[] lanes = new float[L];
        if (SUB_BANDS && r1 - r0 >= 8) {
            int q = (r1 - r0) / 4;
            for (int r = r0; r < r0 + q; r++) fourRows(bf16, w, off, ld, r, q, x, k, y, lanes);
            for (int r = r0 + 4 * q; r < r1; r++) oneRow(bf16, w, off, ld, r, x, k, y, lanes);
            return;
        }
        int r = r0;
        for (; r + 4 <= r1; r += 4) fourRows(bf16, w, off, ld, r, 1, x, k, y, lanes);
        for (; r < r1; r++) oneRow(bf16, w, off, ld, r, x, k, y, lanes);
    }

    /** Rows r, r + gap, r + 2·gap, r + 3·gap: one accumulator each, x loaded once per step for the four. */
    private static void fourRows(boolean bf16, MemorySegment w, long off, long ld, int r, int gap, float[] x, int k, float[] y, float[] lanes) {
        int kv = k - k % L;
        long b0 = 2 * (off + r * ld), b1 = b0 + 2 * gap * ld, b2 = b1 + 2 * gap * ld, b3 = b2 + 2 * gap * ld;
        FloatVector s0 = FloatVector.zero(Widen.F), s1 = s0, s2 = s0, s3 = s0;
        for (int p = 0; p < kv; p += L) {
            FloatVector xv = FloatVector.fromArray(Widen.F, x, p);
            long o = 2L * p;
            s0 = load(bf16, w, b0 + o).fma(xv, s0);
            s1 = load(bf16, w, b1 + o).fma(xv, s1);
            s2 = load(bf16, w, b2 + o).fma(xv, s2);
            s3 = load(bf16, w, b3 + o).fma(xv, s3);
        }
        y[r] = sum(s0, lanes) + tailHalf(bf16, w, b0, kv, k, x);
        y[r + gap] = sum(s1, lanes) + tailHalf(bf16, w, b1, kv, k, x);
        y[r + 2 * gap] = sum(s2, lanes) + tailHalf(bf16, w, b2, kv, k, x);
        y[r + 3 * gap] = sum(s3, lanes) + tailHalf(bf16, w, b3, kv, k, x);
    }

    private static void oneRow(boolean bf16, MemorySegment w, long off, long ld, int r, float[] x, int k, float[] y, float[] lanes) {
        int kv = k - k % L;
        long b0 = 2 * (off + r * ld);
        FloatVector s0 = FloatVector.zero(Widen.F);
        for (int p = 0; p < kv; p += L) s0 = load(bf16, w, b0 + 2L * p).fma(FloatVector.fromArray(Widen.F, x, p), s0);
        y[r] = sum(s0, lanes) + tailHalf(bf16, w, b0, kv, k, x);
    }

    private static FloatVector load(boolean bf16, MemorySegment w, long byteOff) {
        return bf16 ? Widen.bf16(w, byteOff) : Widen.f16(w, byteOff);
    }

    private static float tailHalf(boolean bf16, MemorySegment w, long rowByte, int from, int k, float[] x) {
        float t = 0;
        for (int p = from; p < k; p++) {
            short h = w.get(I16, rowByte + 2L * p);
            t += (bf16 ? DType.bf16ToFloat(h) : Float.float16ToFloat(h)) * x[p];
        }
        return t;
    }
}
