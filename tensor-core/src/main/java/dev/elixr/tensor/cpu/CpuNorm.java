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
        float mean = 0f;
        if (!rms) mean = sum(in, p, d, 0f, false) / d;
        float var = sum(in, p, d, mean, true) / d;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        FloatVector vm = FloatVector.broadcast(F, mean), vi = FloatVector.broadcast(F, inv);
        int k = 0;
        for (int bound = F.loopBound(d); k < bound; k += L) {
            FloatVector v = FloatVector.fromArray(F, in, p + k).sub(vm).mul(vi);
            if (g != null) v = v.mul(FloatVector.fromArray(F, g, k));
            if (b != null) v = v.add(FloatVector.fromArray(F, b, k));
            v.intoArray(o, q + k);
        }
        for (; k < d; k++) {
            float v = (in[p + k] - mean) * inv;
            if (g != null) v *= g[k];
            if (b != null) v += b[k];
            o[q + k] = v;
        }
    }

    /** Sum of x (or of (x - c)² when squares) over a contiguous run. */
    private static float sum(float[] in, int p, int n, float c, boolean squares) {
        FloatVector acc = FloatVector.zero(F), vc = FloatVector.broadcast(F, c);
        int k = 0;
        for (int b = F.loopBound(n); k < b; k += L) {
            FloatVector v = FloatVector.fromArray(F, in, p + k);
            acc = squares ? v.sub(vc).fma(v.sub(vc), acc) : acc.add(v);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            float v = in[p + k];
            s += squares ? (v - c) * (v - c) : v;
        }
        return s;
    }
}
