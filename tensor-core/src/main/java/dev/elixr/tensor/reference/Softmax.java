package dev.elixr.tensor.reference;

import dev.elixr.tensor.Tensor;

/** Reference softmax and log-softmax along an axis, in double. */
public final class Softmax {
    private Softmax() {}

    public static Tensor softmax(Tensor x, int axis) { return run(x, axis, false); }

    public static Tensor logSoftmax(Tensor x, int axis) { return run(x, axis, true); }

    private static Tensor run(Tensor x, int axis, boolean log) {
        int a = axis < 0 ? axis + x.dim() : axis;
        int[] shape = x.shape();
        double[] out = new double[x.numel()];
        int n = shape[a];
        int[] lineShape = shape.clone();
        lineShape[a] = 1;
        for (int t = 0; t < Nd.numel(lineShape); t++) {
            int[] idx = Nd.unravel(t, lineShape);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 0; i < n; i++) { idx[a] = i; max = Math.max(max, x.get(idx)); }
            if (max == Double.NEGATIVE_INFINITY) max = 0;
            for (int i = 0; i < n; i++) { idx[a] = i; sum += Math.exp(x.get(idx) - max); }
            for (int i = 0; i < n; i++) {
                idx[a] = i;
                double v = x.get(idx);
                out[flat(idx, shape)] = log ? v - max - Math.log(sum) : Math.exp(v - max) / sum;
            }
        }
        return Nd.tensor(out, shape);
    }

    static int flat(int[] idx, int[] shape) {
        int j = 0;
        for (int d = 0; d < idx.length; d++) j = j * shape[d] + idx[d];
        return j;
    }

    /** dx = y⊙(g − Σ g⊙y) along axis. */
    public static Tensor softmaxBackward(Tensor y, Tensor g, int axis) { return backward(y, g, axis, false); }

    /** dx = g − exp(y)·Σ g along axis. */
    public static Tensor logSoftmaxBackward(Tensor y, Tensor g, int axis) { return backward(y, g, axis, true); }

    private static Tensor backward(Tensor y, Tensor g, int axis, boolean log) {
        int[] shape = y.shape();
        int a = axis < 0 ? axis + shape.length : axis, n = shape[a];
        double[] out = new double[y.numel()];
        for (int i = 0; i < out.length; i++) {
            int[] idx = Nd.unravel(i, shape);
            if (idx[a] != 0) continue;
            double dot = 0;
            for (int k = 0; k < n; k++) {
                idx[a] = k;
                dot += log ? g.get(idx) : (double) g.get(idx) * y.get(idx);
            }
            for (int k = 0; k < n; k++) {
                idx[a] = k;
                int q = 0;
                for (int d = 0; d < shape.length; d++) q = q * shape[d] + idx[d];
                out[q] = log ? g.get(idx) - Math.exp(y.get(idx)) * dot : y.get(idx) * (g.get(idx) - dot);
            }
        }
        return Nd.tensor(out, shape);
    }
}
