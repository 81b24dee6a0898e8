package dev.elixr.autograd.optim;

import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.AdamWStep;
import dev.elixr.tensor.ops.Update;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019, Algorithm 2), as torch.optim.AdamW:
 * w *= 1 - lr·wd; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; w -= lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + ε),
 * one fused update per parameter on its device ({@link Update#adamW}). Parameter groups give norms and biases no decay.
 * The two moments (8 bytes a parameter) are allocated when the optimiser is made, not at the first update: the first
 * step's backward then holds all that every later one does, so a run that does not fit fails in its first step, and a
 * one-step memory measurement (bench/memory-sweep.sh with STEPS=1) sees the steady state.
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
        List<Parameter> params = params();
        for (int i = 0; i < params.size(); i++) {  // the moments now, not at the first update: see the class comment
            state(i, "exp_avg", params.get(i).value());
            state(i, "exp_avg_sq", params.get(i).value());
        }
    }

    /** One group, betas (0.9, 0.999), eps 1e-8. */
    public AdamW(List<Parameter> params, double lr, double weightDecay) {
        this(List.of(new ParamGroup("all", params, weightDecay)), lr, 0.9, 0.999, 1e-8);
    }

    @Override
    protected int stateSize(String key, int n) { return key.equals("step") ? 1 : n; }

    @Override
    protected void update(ParamGroup group, double lr, int i, Tensor w, Tensor g, Parameter p) {
        Tensor m = state(i, "exp_avg", w), v = state(i, "exp_avg_sq", w);
        float[] t = counter(i, "step");
        t[0] += 1;
        Update.adamW(w, g, m, v, new AdamWStep(lr, beta1, beta2, eps, group.weightDecay(), (long) t[0]));
    }
}
