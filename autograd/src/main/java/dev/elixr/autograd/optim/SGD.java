package dev.elixr.autograd.optim;

import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.SgdStep;
import dev.elixr.tensor.ops.Update;

import java.util.List;

/**
 * Stochastic gradient descent with momentum and (coupled, L2) weight decay, as torch.optim.SGD
 * (dampening 0): d = g + wd·w; buf = momentum·buf + d (buf = d at first); w -= lr·buf (Nesterov: d + momentum·buf),
 * one fused update per parameter on its device ({@link Update#sgd}).
 */
public final class SGD extends Optimizer {
    private final double momentum;
    private final boolean nesterov;

    public SGD(List<Parameter> params, double lr, double momentum, double weightDecay) {
        this(List.of(new ParamGroup("all", params, weightDecay)), lr, momentum, false);
    }

    public SGD(List<ParamGroup> groups, double lr, double momentum, boolean nesterov) {
        super(groups, lr);
        if (momentum < 0) throw new IllegalArgumentException("SGD: momentum must be ≥ 0, got " + momentum);
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(ParamGroup group, double lr, int i, Tensor w, Tensor g, Parameter p) {
        boolean first = momentum != 0 && !hasState(i, "momentum_buffer");
        Tensor buf = momentum != 0 ? state(i, "momentum_buffer", w) : null;
        Update.sgd(w, g, buf, new SgdStep(lr, momentum, group.weightDecay(), nesterov, first));
    }
}
