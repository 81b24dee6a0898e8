package dev.elixr.autograd.optim;

import dev.elixr.autograd.nn.Parameter;

import java.util.List;

/**
 * Stochastic gradient descent with momentum and (coupled, L2) weight decay, as torch.optim.SGD
 * (dampening 0): d = g + wd·w; buf = momentum·buf + d (buf = d at first); w -= lr·buf (Nesterov: d + momentum·buf).
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
    protected void update(ParamGroup group, double lr, int i, float[] w, int off, float[] g, Parameter p) {
        float wd = (float) group.weightDecay(), m = (float) momentum, a = (float) lr;
        boolean first = momentum != 0 && !hasState(i, "momentum_buffer");
        float[] buf = momentum != 0 ? state(i, "momentum_buffer", g.length) : null;
        for (int j = 0; j < g.length; j++) {
            float d = wd != 0 ? g[j] + w[off + j] * wd : g[j];
            if (buf != null) {
                buf[j] = first ? d : buf[j] * m + d;
                d = nesterov ? d + buf[j] * m : buf[j];
            }
            w[off + j] += d * -a;
        }
    }
}
