package dev.elixr.tensor.ops;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;

/** Fused classification losses over rows of logits and their gradients (no one-hot or log-softmax tensor is kept). */
public final class Loss {
    private Loss() {}

    /**
     * Per-row cross-entropy [N] of logits [N,C] with label smoothing ε (Szegedy et al. 2016, §7):
     * −Σ_c q_c·log softmax(x)_c, q = (1−ε)·onehot(target) + ε/C; 0 on rows whose target is ignoreIndex.
     */
    public static Tensor crossEntropyRows(Tensor logits, int[] targets, float smoothing, int ignoreIndex) {
        check("crossEntropyRows", logits, targets, smoothing, ignoreIndex);
        Backend be = Backends.of("crossEntropyRows", logits);
        Tensor out = Outputs.allocate(be, logits.size(0));
        be.crossEntropy(logits, targets, smoothing, ignoreIndex, out);
        return out;
    }

    /** Gradient of scale·Σ_rows crossEntropyRows: (softmax(x) − q)·scale per row, 0 on ignored rows. */
    public static Tensor crossEntropyBackward(Tensor logits, int[] targets, float smoothing, int ignoreIndex, float scale) {
        check("crossEntropyBackward", logits, targets, smoothing, ignoreIndex);
        Backend be = Backends.of("crossEntropyBackward", logits);
        Tensor dx = Outputs.allocate(be, logits.shape());
        be.crossEntropyBackward(logits, targets, smoothing, ignoreIndex, scale, dx);
        return dx;
    }

    private static void check(String op, Tensor logits, int[] targets, float smoothing, int ignoreIndex) {
        if (logits.dim() != 2) throw new IllegalArgumentException(op + ": logits " + Outputs.str(logits) + " must be [N,C]");
        int n = logits.size(0), c = logits.size(1);
        if (targets.length != n) throw new IllegalArgumentException(op + ": " + targets.length + " targets for " + n + " rows of logits " + Outputs.str(logits));
        if (!(smoothing >= 0 && smoothing <= 1)) throw new IllegalArgumentException(op + ": label smoothing " + smoothing + " outside [0, 1]");
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t != ignoreIndex && (t < 0 || t >= c)) {
                throw new IllegalArgumentException(op + ": target " + t + " of row " + i + " is outside [0, " + c + ")");
            }
        }
    }
}
