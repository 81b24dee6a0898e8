package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;

/**
 * Cross-entropy with label smoothing over rows of logits [N,C] and its gradient, fused (no [N,C] log-softmax or
 * one-hot is kept). Strategy: one row per item of a parallel range; per row the max, then log Σ exp(x − max) in
 * double (stable for any logits), then the loss or the gradient in one more pass.
 */
final class CpuCrossEntropy {
    private CpuCrossEntropy() {}

    static void forward(Tensor logits, int[] targets, float smoothing, int ignoreIndex, Tensor rowLoss) {
        Tensor x = HostArrays.dense(logits);
        int n = x.size(0), c = x.size(1);
        float[] xs = x.storage().array(), out = rowLoss.storage().array();
        int xo = x.offset(), ro = rowLoss.offset();
        double on = 1 - (double) smoothing, off = (double) smoothing / c;
        Parallel.forRange(n, Math.max(1, 8192 / Math.max(1, c)), (s, e) -> {
            for (int i = s; i < e; i++) {
                if (targets[i] == ignoreIndex) {
                    out[ro + i] = 0f;
                    continue;
                }
                int o = xo + i * c;
                double lse = logSumExp(xs, o, c), rowSum = 0;
                if (off != 0) for (int j = 0; j < c; j++) rowSum += xs[o + j] - lse;
                out[ro + i] = (float) -(on * (xs[o + targets[i]] - lse) + off * rowSum);
            }
        });
    }

    static void backward(Tensor logits, int[] targets, float smoothing, int ignoreIndex, float scale, Tensor dx) {
        Tensor x = HostArrays.dense(logits);
        int n = x.size(0), c = x.size(1);
        float[] xs = x.storage().array(), out = dx.storage().array();
        int xo = x.offset(), dxo = dx.offset();
        double on = 1 - (double) smoothing, off = (double) smoothing / c;
        Parallel.forRange(n, Math.max(1, 8192 / Math.max(1, c)), (s, e) -> {
            for (int i = s; i < e; i++) {
                int o = xo + i * c, q = dxo + i * c;
                if (targets[i] == ignoreIndex) {
                    java.util.Arrays.fill(out, q, q + c, 0f);
                    continue;
                }
                double lse = logSumExp(xs, o, c);
                for (int j = 0; j < c; j++) out[q + j] = (float) ((Math.exp(xs[o + j] - lse) - off) * scale);
                out[q + targets[i]] -= (float) (on * scale);
            }
        });
    }

    /** log Σ_j exp(x[o + j]) in double, shifted by the row max. */
    static double logSumExp(float[] x, int o, int c) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) max = Math.max(max, x[o + j]);
        if (max == Float.NEGATIVE_INFINITY) return max;
        double sum = 0;
        for (int j = 0; j < c; j++) sum += Math.exp(x[o + j] - max);
        return max + Math.log(sum);
    }
}
