package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.SoftmaxMode;
import jdk.incubator.vector.FloatVector;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * Gradient of softmax (dx = y⊙(g − Σ g⊙y)) and log-softmax (dx = g − exp(y)·Σ g) along one axis. Strategy: y and g
 * made dense, one line along the axis per item of a parallel range; when the axis is the last one the line is
 * contiguous and both passes (the dot product, then the update) run on full vectors with lanes summed in a fixed
 * order; other axes run a scalar loop over the line with stride inner.
 */
final class CpuSoftmaxBackward {
    private CpuSoftmaxBackward() {}

    static void softmaxBackward(SoftmaxMode mode, Tensor y, Tensor g, int axis, Tensor dx) {
        if (dx.numel() == 0) return;
        Tensor yd = HostArrays.dense(y), gd = HostArrays.dense(g);
        int[] shape = y.shape();
        int n = shape[axis], inner = 1;
        for (int d = axis + 1; d < shape.length; d++) inner *= shape[d];
        float[] ys = yd.storage().array(), gs = gd.storage().array(), o = dx.storage().array();
        int yo = yd.offset(), go = gd.offset(), oo = dx.offset(), in1 = inner;
        boolean log = mode == SoftmaxMode.LOG_SOFTMAX;
        int lines = dx.numel() / n;
        Parallel.forRange(lines, Math.max(1, 4096 / Math.max(1, n)), (s, e) -> {
            for (int t = s; t < e; t++) {
                int base = (t / in1) * n * in1 + t % in1;
                if (in1 == 1) contiguous(ys, yo + base, gs, go + base, o, oo + base, n, log);
                else strided(ys, yo + base, gs, go + base, o, oo + base, n, in1, log);
            }
        });
    }

    /** One contiguous line: Σ g⊙y (or Σ g) by vectors, then the update. */
    static void contiguous(float[] y, int p, float[] g, int q, float[] o, int r, int n, boolean log) {
        FloatVector acc = FloatVector.zero(F);
        int b = F.loopBound(n), k = 0;
        if (log) for (; k < b; k += L) acc = acc.add(FloatVector.fromArray(F, g, q + k));
        else for (; k < b; k += L) acc = FloatVector.fromArray(F, g, q + k).fma(FloatVector.fromArray(F, y, p + k), acc);
        float dot = Simd.sumLanes(acc);
        for (; k < n; k++) dot += log ? g[q + k] : g[q + k] * y[p + k];
        FloatVector vd = FloatVector.broadcast(F, dot);
        k = 0;
        if (log) {
            VectorMath.expShifted(y, p, 0f, o, r, n); // e^y for the whole line first (its bits: exp(float) on each)
            for (; k < b; k += L) FloatVector.fromArray(F, g, q + k).sub(FloatVector.fromArray(F, o, r + k).mul(vd)).intoArray(o, r + k);
            for (; k < n; k++) o[r + k] = g[q + k] - o[r + k] * dot;
        } else {
            for (; k < b; k += L) {
                FloatVector yv = FloatVector.fromArray(F, y, p + k);
                yv.mul(FloatVector.fromArray(F, g, q + k).sub(vd)).intoArray(o, r + k);
            }
            for (; k < n; k++) o[r + k] = y[p + k] * (g[q + k] - dot);
        }
    }

    private static void strided(float[] y, int p, float[] g, int q, float[] o, int r, int n, int st, boolean log) {
        double dot = 0;
        for (int k = 0; k < n; k++) dot += log ? g[q + k * st] : (double) g[q + k * st] * y[p + k * st];
        float d = (float) dot;
        for (int k = 0; k < n; k++) {
            int i = k * st;
            o[r + i] = log ? g[q + i] - VectorMath.exp(y[p + i]) * d : y[p + i] * (g[q + i] - d);
        }
    }
}
