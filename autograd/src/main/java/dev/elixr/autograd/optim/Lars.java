package dev.elixr.autograd.optim;

import dev.elixr.autograd.nn.Parameter;

import java.util.List;

/**
 * Layer-wise adaptive rate scaling (You et al. 2017), in the form used by SimCLR / Barlow Twins:
 * d = g + wd·w; for adapted groups d *= η·‖w‖/‖d‖ (when both norms are positive); μ = momentum·μ + d; w -= lr·μ.
 */
public final class Lars extends Optimizer {
    private final double momentum, eta;

    public Lars(List<ParamGroup> groups, double lr, double momentum, double eta) {
        super(groups, lr);
        this.momentum = momentum;
        this.eta = eta;
    }

    @Override
    protected void update(ParamGroup group, double lr, int i, float[] w, int off, float[] g, Parameter p) {
        float wd = (float) group.weightDecay();
        float[] d = new float[g.length];
        for (int j = 0; j < g.length; j++) d[j] = wd != 0 ? g[j] + w[off + j] * wd : g[j];
        if (group.adapt()) {
            double wn = 0, dn = 0;
            for (int j = 0; j < g.length; j++) {
                wn += (double) w[off + j] * w[off + j];
                dn += (double) d[j] * d[j];
            }
            float wNorm = (float) Math.sqrt(wn), dNorm = (float) Math.sqrt(dn);
            float q = wNorm > 0 && dNorm > 0 ? (float) eta * wNorm / dNorm : 1f;
            for (int j = 0; j < g.length; j++) d[j] *= q;
        }
        float[] mu = state(i, "mu", g.length);
        float m = (float) momentum, a = (float) lr;
        for (int j = 0; j < g.length; j++) {
            mu[j] = mu[j] * m + d[j];
            w[off + j] += mu[j] * -a;
        }
    }
}
