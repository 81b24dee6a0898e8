package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * Layer norm (Ba et al. 2016, eq. 4; two-pass mean and variance) and RMS norm (Zhang and Sennrich 2019, eq. 4)
 * over the last dimension, one vectorized row at a time.
 *
 * <p>Passes over a row (rows in parallel; a row of a few thousand floats stays in L1 after its first pass, so only
 * that pass and the output's write-back touch memory): the sum, then Σ (x − mean)², each with four independent
 * vector accumulators (a single chain waits on every add's latency) summed in a fixed order; then one pass that
 * normalises and applies γ and β in registers and writes each output once. Layer norm's sum pass of the next row in a
 * thread's range runs in the same loop as this row's Σ (x − mean)² ({@link #centredSquaresAndNextSum}: the same sums in
 * the same order), so reading a row from memory overlaps the arithmetic on the row before. The float64 reference is
 * {@code dev.elixr.tensor.reference.Norm}.
 */
final class CpuNorm {
    private CpuNorm() {}

    static void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) {
        norm(x, gamma, beta, eps, out, false);
    }

    static void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) {
        norm(x, gamma, null, eps, out, true);
    }

    private static void norm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out, boolean rms) {
        if (out.numel() == 0) return;
        int d = x.size(-1);
        if (x.stride(-1) != 1 && d > 1 || x.storage().array() == null) x = x.copy();
        float[] g = gamma == null ? null : HostArrays.dense(gamma).toFloatArray();
        float[] bt = beta == null ? null : HostArrays.dense(beta).toFloatArray();
        float[] in = x.storage().array(), o = out.storage().array();
        int[] rowShape = x.shape(), strides = x.strides();
        rowShape[rowShape.length - 1] = 1;
        int off = x.offset(), ob = out.offset(), rows = out.numel() / d;
        Parallel.forRange(rows, Math.max(1, 4096 / d), (s, e) -> {
            float[] sum = {rms ? 0f : sum(in, CpuReduce.position(s, rowShape, strides, off), d)};
            for (int r = s; r < e; r++) {
                int p = CpuReduce.position(r, rowShape, strides, off);
                int next = !rms && r + 1 < e ? CpuReduce.position(r + 1, rowShape, strides, off) : -1;
                row(in, p, o, ob + r * d, d, g, bt, eps, rms, sum, next);
            }
        });
    }

    /**
     * One row whose sum is in {@code rowSum[0]} (layer norm); when {@code next >= 0}, the sum of the row at next is left
     * there for the following call, read with this row's Σ (x − mean)² (so the next row's memory traffic runs under this
     * row's arithmetic instead of after it).
     */
    private static void row(float[] in, int p, float[] o, int q, int d, float[] g, float[] b, float eps, boolean rms, float[] rowSum, int next) {
        float mean = rms ? 0f : rowSum[0] / d;
        float var = (next < 0 ? centredSquares(in, p, d, mean) : centredSquaresAndNextSum(in, p, d, mean, next, rowSum)) / d;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        FloatVector vm = FloatVector.broadcast(F, mean), vi = FloatVector.broadcast(F, inv);
        int bound = F.loopBound(d);
        // one loop per affine form (no vector merges across branches): (x − mean)·inv, then ·g + b in registers
        if (g != null && b != null) {
            for (int k = 0; k < bound; k += L) {
                FloatVector.fromArray(F, in, p + k).sub(vm).mul(vi).fma(FloatVector.fromArray(F, g, k), FloatVector.fromArray(F, b, k))
                        .intoArray(o, q + k);
            }
        } else if (g != null) {
            for (int k = 0; k < bound; k += L) {
                FloatVector.fromArray(F, in, p + k).sub(vm).mul(vi).mul(FloatVector.fromArray(F, g, k)).intoArray(o, q + k);
            }
        } else if (b != null) {
            for (int k = 0; k < bound; k += L) {
                FloatVector.fromArray(F, in, p + k).sub(vm).mul(vi).add(FloatVector.fromArray(F, b, k)).intoArray(o, q + k);
            }
        } else {
            for (int k = 0; k < bound; k += L) FloatVector.fromArray(F, in, p + k).sub(vm).mul(vi).intoArray(o, q + k);
        }
        for (int k = bound; k < d; k++) {
            float y = (in[p + k] - mean) * inv;
            if (g != null && b != null) y = Math.fma(y, g[k], b[k]);
            else if (g != null) y *= g[k];
            else if (b != null) y += b[k];
            o[q + k] = y;
        }
    }

    /**
     * Σ in[p, p+n): four vector accumulators over blocks of four vectors (independent add chains: one chain waits
     * on each add's latency), then the vectors left over into the first, the four added as (a0 + a1) + (a2 + a3), the
     * lanes by {@link Simd#sumLanes}, then the tail in order: a fixed order, so the bits depend on neither the JIT tier
     * nor the thread count.
     */
    static float sum(float[] in, int p, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int k = 0;
        for (int b4 = n - 4 * L; k <= b4; k += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(F, in, p + k));
            a1 = a1.add(FloatVector.fromArray(F, in, p + k + L));
            a2 = a2.add(FloatVector.fromArray(F, in, p + k + 2 * L));
            a3 = a3.add(FloatVector.fromArray(F, in, p + k + 3 * L));
        }
        for (int b = F.loopBound(n); k < b; k += L) a0 = a0.add(FloatVector.fromArray(F, in, p + k));
        float s = Simd.sumLanes(a0.add(a1).add(a2.add(a3)));
        for (; k < n; k++) s += in[p + k];
        return s;
    }

    /**
     * {@link #centredSquares} over in[p, p+n) and, in the same loop, {@link #sum} over in[pNext, pNext+n) into
     * {@code nextSum[0]}: both with their own four chains in their own fixed order, so the same bits as the two calls.
     */
    static float centredSquaresAndNextSum(float[] in, int p, int n, float c, int pNext, float[] nextSum) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, vc = FloatVector.broadcast(F, c);
        FloatVector s0 = a0, s1 = a0, s2 = a0, s3 = a0;
        int k = 0;
        for (int b4 = n - 4 * L; k <= b4; k += 4 * L) {
            s0 = s0.add(FloatVector.fromArray(F, in, pNext + k));
            s1 = s1.add(FloatVector.fromArray(F, in, pNext + k + L));
            s2 = s2.add(FloatVector.fromArray(F, in, pNext + k + 2 * L));
            s3 = s3.add(FloatVector.fromArray(F, in, pNext + k + 3 * L));
            FloatVector v0 = FloatVector.fromArray(F, in, p + k).sub(vc), v1 = FloatVector.fromArray(F, in, p + k + L).sub(vc);
            FloatVector v2 = FloatVector.fromArray(F, in, p + k + 2 * L).sub(vc), v3 = FloatVector.fromArray(F, in, p + k + 3 * L).sub(vc);
            a0 = v0.fma(v0, a0);
            a1 = v1.fma(v1, a1);
            a2 = v2.fma(v2, a2);
            a3 = v3.fma(v3, a3);
        }
        for (int b = F.loopBound(n); k < b; k += L) {
            s0 = s0.add(FloatVector.fromArray(F, in, pNext + k));
            FloatVector v = FloatVector.fromArray(F, in, p + k).sub(vc);
            a0 = v.fma(v, a0);
        }
        float s = Simd.sumLanes(a0.add(a1).add(a2.add(a3))), t = Simd.sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; k < n; k++) {
            s += (in[p + k] - c) * (in[p + k] - c);
            t += in[pNext + k];
        }
        nextSum[0] = t;
        return s;
    }

    /** Σ (x − c)² over a contiguous run, with the four chains and the order of {@link #sum}. */
    static float centredSquares(float[] in, int p, int n, float c) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, vc = FloatVector.broadcast(F, c);
        int k = 0;
        for (int b4 = n - 4 * L; k <= b4; k += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(F, in, p + k).sub(vc), v1 = FloatVector.fromArray(F, in, p + k + L).sub(vc);
            FloatVector v2 = FloatVector.fromArray(F, in, p + k + 2 * L).sub(vc), v3 = FloatVector.fromArray(F, in, p + k + 3 * L).sub(vc);
            a0 = v0.fma(v0, a0);
            a1 = v1.fma(v1, a1);
            a2 = v2.fma(v2, a2);
            a3 = v3.fma(v3, a3);
        }
        for (int b = F.loopBound(n); k < b; k += L) {
            FloatVector v = FloatVector.fromArray(F, in, p + k).sub(vc);
            a0 = v.fma(v, a0);
        }
        float s = Simd.sumLanes(a0.add(a1).add(a2.add(a3)));
        for (; k < n; k++) s += (in[p + k] - c) * (in[p + k] - c);
        return s;
    }
}
