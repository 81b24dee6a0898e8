package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * Softmax and log-softmax along one axis, max-subtracted; vectorized when the axis is unit-stride. Exponentials
 * from {@link VectorMath} and lane sums in a fixed order, so the bits do not depend on the JIT tier.
 *
 * <p>Passes over a unit-stride row (one row at a time, rows in parallel; a row of a few thousand floats stays in
 * L1/L2 after its first pass, so only that pass and the output's write-back touch memory): the max with four
 * independent vector chains; the exponentials e^(x − max) stored and summed in the same pass
 * ({@link VectorMath#expShiftedSum}); the scaling by 1/sum in place. Within a thread's range of rows the next row is read
 * during this row's exponentials, so that its reads from memory overlap this row's arithmetic: on 512-bit vectors
 * ({@link #READ_AHEAD}) the next row's max pass runs inside the exponentials' loop ({@link VectorMath#expShiftedSumAndNextMax});
 * narrower, where those extra vectors spill, the loop reads one float of each of the next row's cache lines
 * ({@link VectorMath#expShiftedSumTouchingAhead}) and the max pass that follows finds the row in cache. The bits are
 * the same either way (max is exact; the exponentials and sums unchanged). Log-softmax sums the exponentials without storing
 * them, then writes x − (max + log sum). {@code strided} is the plain loop (rows that are not unit-stride) and the
 * float64 reference is {@code dev.elixr.tensor.reference.Softmax}.
 */
final class CpuSoftmax {
    private CpuSoftmax() {}

    /**
     * Whether unit-stride rows read the next row's max in this row's exponential loop: on 512-bit vectors (32 registers).
     * One thread, thread CPU time, [4096,4096] from memory into an existing output, alternated with the row-by-row passes
     * (shared Xeon, medians of 15 pairs, 2026-12-03): AVX-512 1.11–1.16× in four runs, and 1.08–1.10× in three once
     * {@link #max} had its compare-and-blend loop; AVX2 (UseAVX=2, 16 registers) 0.92, 0.97, 1.02 and then 0.95×, so
     * 256-bit and narrower vectors touch the next row's cache lines instead (AVX2 Zen 3, [4096,4096] from memory into
     * an existing output, best of eight rounds per run, runs alternated with the row-by-row passes: one thread 14.3–16.9
     * ms against 16.9–17.9 in six pairs, two threads 7.3–7.5 against 9.1–9.4 in two).
     */
    static final boolean READ_AHEAD = L >= 16;

    static void softmax(Tensor x, int axis, boolean log, Tensor out) {
        x = HostArrays.heap(x);
        float[] in = x.storage().array(), o = out.storage().array();
        int[] shape = x.shape();
        int n = shape[axis], xs = x.stride(axis), ob = out.offset();
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) inner *= shape[d];
        int lines = n == 0 ? 0 : out.numel() / n;
        int[] lineShape = shape.clone();
        lineShape[axis] = 1;
        int[] strides = x.strides();
        int off = x.offset(), in1 = inner;
        boolean rows = in1 == 1 && xs == 1, ahead = rows && READ_AHEAD;
        Parallel.forRange(lines, Math.max(1, 4096 / Math.max(1, n)), (s, e) -> {
            if (ahead) { // unit-stride rows: each row's max read with the row before's exponentials
                float[] max = {max(in, CpuReduce.position(s, lineShape, strides, off), n)};
                for (int t = s; t < e; t++) {
                    int p = CpuReduce.position(t, lineShape, strides, off);
                    int next = t + 1 < e ? CpuReduce.position(t + 1, lineShape, strides, off) : -1;
                    contiguous(in, p, o, ob + t * n, n, log, max, next);
                }
                return;
            }
            for (int t = s; t < e; t++) {
                int p = CpuReduce.position(t, lineShape, strides, off);
                int q = ob + (t / in1) * n * in1 + t % in1;
                if (rows) contiguous(in, p, o, q, n, log, t + 1 < e ? CpuReduce.position(t + 1, lineShape, strides, off) : p);
                else strided(in, p, xs, o, q, in1, n, log);
            }
        });
    }

    static void contiguous(float[] in, int p, float[] o, int q, int n, boolean log) {
        contiguous(in, p, o, q, n, log, new float[] {max(in, p, n)}, -1);
    }

    /** One unit-stride row whose exponentials' loop touches the next row at {@code touch} ({@link VectorMath#expShiftedSumTouchingAhead}). */
    static void contiguous(float[] in, int p, float[] o, int q, int n, boolean log, int touch) {
        float max = max(in, p, n);
        if (max == Float.NEGATIVE_INFINITY) max = 0f; // an all -inf row: exp gives 0s, as the reference
        finish(in, p, o, q, n, log, max, VectorMath.expShiftedSumTouchingAhead(in, p, max, o, q, n, !log, touch));
    }

    /**
     * One unit-stride row whose max is in {@code rowMax[0]}; when {@code next >= 0}, the max of the row at next (same
     * length) is left in {@code rowMax[0]} for the following call, read in the exponentials' loop.
     */
    private static void contiguous(float[] in, int p, float[] o, int q, int n, boolean log, float[] rowMax, int next) {
        float max = rowMax[0];
        if (max == Float.NEGATIVE_INFINITY) max = 0f; // an all -inf row: exp gives 0s, as the reference
        float sum = next < 0 ? VectorMath.expShiftedSum(in, p, max, o, q, n, !log)
                : VectorMath.expShiftedSumAndNextMax(in, p, max, o, q, n, !log, next, rowMax);
        finish(in, p, o, q, n, log, max, sum);
    }

    /** The row's last pass: o = e/sum in place, or for log-softmax o = x − (max + log sum). */
    private static void finish(float[] in, int p, float[] o, int q, int n, boolean log, float max, float sum) {
        int k = 0;
        if (log) {
            float sh = max + (float) StrictMath.log(sum);
            FloatVector shift = FloatVector.broadcast(F, sh);
            for (int b = F.loopBound(n); k < b; k += L) FloatVector.fromArray(F, in, p + k).sub(shift).intoArray(o, q + k);
            for (; k < n; k++) o[q + k] = in[p + k] - sh;
        } else {
            float inv = 1f / sum;
            for (int b = F.loopBound(n); k < b; k += L) FloatVector.fromArray(F, o, q + k).mul(inv).intoArray(o, q + k);
            for (; k < n; k++) o[q + k] *= inv;
        }
    }

    /**
     * The largest of in[p, p+n), as {@link Math#max} over the run gives it: four vector accumulators over blocks of four
     * vectors (independent chains, where one chain waits on each step's latency), then the vectors left over, then the
     * lanes, then the tail. Max is exact, so the order changes no bit. The vector steps are a compare and a blend (greater
     * replaces), cheaper than {@link FloatVector#max}'s NaN and signed-zero sequence, with one FMA per vector that turns
     * its accumulator NaN on an infinity or a NaN: then, and when the maximum is ±0, {@link #maxExact} decides, so the
     * result is Math.max's in every case (a row with −∞ masks takes the exact loop).
     */
    static float max(float[] in, int p, int n) {
        if (n < 5 * L) return maxExact(in, p, n);
        FloatVector z = FloatVector.zero(F), m0 = FloatVector.fromArray(F, in, p), m1 = m0, m2 = m0, m3 = m0;
        FloatVector f0 = m0.fma(z, z), f1 = z, f2 = z, f3 = z; // v·0 + f: 0 while every v is finite, NaN after an inf or NaN
        int k = L;
        for (int b4 = n - 4 * L; k <= b4; k += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(F, in, p + k), v1 = FloatVector.fromArray(F, in, p + k + L);
            FloatVector v2 = FloatVector.fromArray(F, in, p + k + 2 * L), v3 = FloatVector.fromArray(F, in, p + k + 3 * L);
            m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
            m2 = m2.blend(v2, v2.compare(VectorOperators.GT, m2));
            m3 = m3.blend(v3, v3.compare(VectorOperators.GT, m3));
            f0 = v0.fma(z, f0);
            f1 = v1.fma(z, f1);
            f2 = v2.fma(z, f2);
            f3 = v3.fma(z, f3);
        }
        for (int b = F.loopBound(n); k < b; k += L) {
            FloatVector v = FloatVector.fromArray(F, in, p + k);
            m0 = m0.blend(v, v.compare(VectorOperators.GT, m0));
            f0 = v.fma(z, f0);
        }
        float m = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        // a NaN or an infinity among the vectors, or a maximum of ±0 (where the compare does not order −0 below +0): the
        // exact loop decides
        if (f0.add(f1).add(f2.add(f3)).reduceLanes(VectorOperators.ADD) != 0f || m == 0f) return maxExact(in, p, n);
        for (; k < n; k++) m = Math.max(m, in[p + k]);
        return m;
    }

    /**
     * {@link #max} with {@link FloatVector#max} (Java's NaN and signed-zero rules in every lane, a compare-and-blend
     * sequence each): for rows shorter than five vectors and rows {@link #max}'s fast loop hands over.
     */
    static float maxExact(float[] in, int p, int n) {
        if (n < L) {
            float m = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < n; k++) m = Math.max(m, in[p + k]);
            return m;
        }
        FloatVector m0 = FloatVector.fromArray(F, in, p), m1 = m0, m2 = m0, m3 = m0;
        int k = L;
        for (int b4 = n - 4 * L; k <= b4; k += 4 * L) {
            m0 = m0.max(FloatVector.fromArray(F, in, p + k));
            m1 = m1.max(FloatVector.fromArray(F, in, p + k + L));
            m2 = m2.max(FloatVector.fromArray(F, in, p + k + 2 * L));
            m3 = m3.max(FloatVector.fromArray(F, in, p + k + 3 * L));
        }
        for (int b = F.loopBound(n); k < b; k += L) m0 = m0.max(FloatVector.fromArray(F, in, p + k));
        float m = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        for (; k < n; k++) m = Math.max(m, in[p + k]);
        return m;
    }

    private static void strided(float[] in, int p, int xs, float[] o, int q, int os, int n, boolean log) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) max = Math.max(max, in[p + k * xs]);
        if (max == Float.NEGATIVE_INFINITY) max = 0f;
        double sum = 0;
        for (int k = 0; k < n; k++) {
            float ex = VectorMath.exp(in[p + k * xs] - max);
            sum += ex;
            if (!log) o[q + k * os] = ex;
        }
        if (log) {
            float sh = max + (float) StrictMath.log(sum);
            for (int k = 0; k < n; k++) o[q + k * os] = in[p + k * xs] - sh;
        } else {
            float inv = (float) (1.0 / sum);
            for (int k = 0; k < n; k++) o[q + k * os] *= inv;
        }
    }
}
