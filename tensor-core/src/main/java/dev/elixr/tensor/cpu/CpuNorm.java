package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * Layer norm (Ba et al. 2016, eq. 4; two-pass mean and variance) and RMS norm (Zhang and Sennrich 2019, eq. 4)
 * over the last dimension, one vectorized row at a time.
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
            for (int r = s; r < e; r++) {
                int p = CpuReduce.position(r, rowShape, strides, off);
                row(in, p, o, ob + r * d, d, g, bt, eps, rms);
            }
        });
    }

    private static void row(float[] in, int p, float[] o, int q, int d, float[] g, float[] b, float eps, boolean rms) {
        float mean = rms ? 0f : sum(in, p, d) / d;
        float var = centredSquares(in, p, d, mean) / d;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        FloatVector vm = FloatVector.broadcast(F, mean), vi = FloatVector.broadcast(F, inv);
        int bound = F.loopBound(d);
        for (int k = 0; k < bound; k += L) FloatVector.fromArray(F, in, p + k).sub(vm).mul(vi).intoArray(o, q + k);
        for (int k = bound; k < d; k++) o[q + k] = (in[p + k] - mean) * inv;
        if (g != null && b != null) {
            for (int k = 0; k < bound; k += L) {
                FloatVector.fromArray(F, o, q + k).fma(FloatVector.fromArray(F, g, k), FloatVector.fromArray(F, b, k)).intoArray(o, q + k);
            }
        } else if (g != null) {
            for (int k = 0; k < bound; k += L) FloatVector.fromArray(F, o, q + k).mul(FloatVector.fromArray(F, g, k)).intoArray(o, q + k);
        } else if (b != null) {
            for (int k = 0; k < bound; k += L) FloatVector.fromArray(F, o, q + k).add(FloatVector.fromArray(F, b, k)).intoArray(o, q + k);
        }
        for (int k = bound; k < d; k++) {
            if (g != null) o[q + k] *= g[k];
            if (b != null) o[q + k] += b[k];
        }
    }

    private static float sum(float[] in, int p, int n) {
        FloatVector acc = FloatVector.zero(F);
        int b = F.loopBound(n);
        for (int k = 0; k < b; k += L) acc = acc.add(FloatVector.fromArray(F, in, p + k));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int k = b; k < n; k++) s += in[p + k];
        return s;
    }

    /** Σ (x − c)² over a contiguous run. */
    private static float centredSquares(float[] in, int p, int n, float c) {
        FloatVector acc = FloatVector.zero(F), vc = FloatVector.broadcast(F, c);
        int b = F.loopBound(n);
        for (int k = 0; k < b; k += L) {
            FloatVector v = FloatVector.fromArray(F, in, p + k).sub(vc);
            acc = v.fma(v, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int k = b; k < n; k++) s += (in[p + k] - c) * (in[p + k] - c);
        return s;
    }
}
