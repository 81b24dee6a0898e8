package dev.elixr.autograd.optim;

import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.Index;
import dev.elixr.tensor.ops.Reduce;

import java.util.List;

/**
 * Layer-wise adaptive rate scaling (You et al. 2017), in the form used by SimCLR / Barlow Twins:
 * d = g + wd·w; for adapted groups d *= η·‖w‖/‖d‖ (when both norms are positive); μ = momentum·μ + d; w -= lr·μ.
 * Composed of elementwise and reduction ops on the parameter's device (the trust ratio stays a device scalar).
 */
public final class Lars extends Optimizer {
    private final double momentum, eta;

    public Lars(List<ParamGroup> groups, double lr, double momentum, double eta) {
        super(groups, lr);
        this.momentum = momentum;
        this.eta = eta;
    }

    @Override
    protected void update(ParamGroup group, double lr, int i, Tensor w, Tensor g, Parameter p) {
        float wd = (float) group.weightDecay();
        Tensor d = wd != 0 ? Elementwise.add(g, Elementwise.mul(w, wd)) : g;
        if (group.adapt()) {
            Tensor wNorm = Elementwise.sqrt(Reduce.sum(Elementwise.square(w), false));
            Tensor dNorm = Elementwise.sqrt(Reduce.sum(Elementwise.square(d), false));
            Tensor positive = Elementwise.mul(Elementwise.gt(wNorm, 0f), Elementwise.gt(dNorm, 0f));
            Tensor ratio = Elementwise.div(Elementwise.mul(wNorm, (float) eta), dNorm); // inf/NaN where a norm is 0: not selected
            Tensor q = Elementwise.where(positive, ratio, Elementwise.add(Elementwise.mul(positive, 0f), 1f));
            d = Elementwise.mul(d, q);
        }
        Tensor mu = state(i, "mu", w);
        Tensor nextMu = Elementwise.add(Elementwise.mul(mu, (float) momentum), d);
        Index.copyInto(nextMu, mu);
        Index.copyInto(Elementwise.add(w, Elementwise.mul(nextMu, (float) -lr)), w);
    }
}
