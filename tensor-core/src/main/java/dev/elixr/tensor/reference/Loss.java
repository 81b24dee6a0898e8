package dev.elixr.tensor.reference;

import dev.elixr.tensor.Tensor;

/** Reference cross-entropy with label smoothing and its gradient, via log-softmax in double. */
public final class Loss {
    private Loss() {}

    public static Tensor crossEntropyRows(Tensor logits, int[] targets, float smoothing, int ignoreIndex) {
        int n = logits.size(0), c = logits.size(1);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (targets[i] == ignoreIndex) continue;
            double lse = logSumExp(logits, i, c);
            for (int j = 0; j < c; j++) {
                double q = (j == targets[i] ? 1 - smoothing : 0) + (double) smoothing / c;
                out[i] -= q * (logits.get(i, j) - lse);
            }
        }
        return Nd.tensor(out, n);
    }

    public static Tensor crossEntropyBackward(Tensor logits, int[] targets, float smoothing, int ignoreIndex, float scale) {
        int n = logits.size(0), c = logits.size(1);
        double[] dx = new double[n * c];
        for (int i = 0; i < n; i++) {
            if (targets[i] == ignoreIndex) continue;
            double lse = logSumExp(logits, i, c);
            for (int j = 0; j < c; j++) {
                double q = (j == targets[i] ? 1 - smoothing : 0) + (double) smoothing / c;
                dx[i * c + j] = (Math.exp(logits.get(i, j) - lse) - q) * scale;
            }
        }
        return Nd.tensor(dx, n, c);
    }

    private static double logSumExp(Tensor x, int i, int c) {
        double max = Double.NEGATIVE_INFINITY, s = 0;
        for (int j = 0; j < c; j++) max = Math.max(max, x.get(i, j));
        for (int j = 0; j < c; j++) s += Math.exp(x.get(i, j) - max);
        return max + Math.log(s);
    }
}
