package dev.elixr.autograd.optim;

import dev.elixr.autograd.nn.Parameter;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019, Algorithm 2), as torch.optim.AdamW:
 * w *= 1 - lr·wd; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; w -= lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + ε).
 * Parameter groups give norms and biases no decay.
 */
public final class AdamW extends Optimizer {
    private final double beta1, beta2, eps;

    public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps) {
        super(groups, lr);
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
            throw new IllegalArgumentException("AdamW: betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** One group, betas (0.9, 0.999), eps 1e-8. */
    public AdamW(List<Parameter> params, double lr, double weightDecay) {
        this(List.of(new ParamGroup("all", params, weightDecay)), lr, 0.9, 0.999, 1e-8);
    }

    @Override
    protected int stateSize(String key, int n) { return key.equals("step") ? 1 : n; }

    @Override
    protected void update(ParamGroup group, double lr, int i, float[] w, int off, float[] g, Parameter p) {
        float[] m = state(i, "exp_avg", g.length), v = state(i, "exp_avg_sq", g.length), t = state(i, "step", 1);
        t[0] += 1;
        double bc1 = 1 - Math.pow(beta1, t[0]), bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t[0]));
        float decay = (float) (1 - lr * group.weightDecay());
        float b1 = (float) beta1, b2 = (float) beta2, stepSize = (float) (lr / bc1), bc2s = (float) bc2Sqrt, e = (float) eps;
        float c1 = 1 - b1, c2 = 1 - b2;
        for (int j = 0; j < g.length; j++) {
            float wj = group.weightDecay() != 0 ? w[off + j] * decay : w[off + j];
            m[j] = m[j] * b1 + g[j] * c1;
            v[j] = v[j] * b2 + g[j] * g[j] * c2;
            float denom = (float) Math.sqrt(v[j]) / bc2s + e;
            w[off + j] = wj + (m[j] / denom) * -stepSize;
        }
    }
}
