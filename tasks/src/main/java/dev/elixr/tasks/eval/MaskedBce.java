package dev.elixr.tasks.eval;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/**
 * Binary cross-entropy with logits over the labelled entries only (labels 1/0; NaN entries are masked out):
 * mean over labelled entries of max(z,0) - z·y + log(1 + exp(-|z|)), the numerically stable form.
 */
public final class MaskedBce {
    private MaskedBce() {}

    /** Loss of logits [N,F] against labels y[N][F] (NaN = not labelled); zero when nothing is labelled. */
    public static Var loss(Var logits, double[][] y, int[] rows) {
        int n = rows.length, f = y[0].length;
        float[] target = new float[n * f], mask = new float[n * f];
        int count = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++) {
                double v = y[rows[i]][j];
                if (Double.isNaN(v)) continue;
                target[i * f + j] = (float) v;
                mask[i * f + j] = 1f;
                count++;
            }
        Var t = Var.of(Tensor.wrap(target, n, f)), m = Var.of(Tensor.wrap(mask, n, f));
        Var per = logits.relu().sub(logits.mul(t)).add(logits.abs().neg().exp().add(1f).log());
        return per.mul(m).sumAll().mul(1f / Math.max(count, 1));
    }
}
