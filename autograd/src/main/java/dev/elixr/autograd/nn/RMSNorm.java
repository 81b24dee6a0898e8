package dev.elixr.autograd.nn;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Root-mean-square normalisation over the last dimension (Zhang &amp; Sennrich 2019), weight 1 at start. */
public final class RMSNorm extends Module implements Layer {
    private final Parameter weight;
    private final float eps;

    public RMSNorm(int dim, float eps) {
        this.eps = eps;
        this.weight = registerParameter("weight", Tensor.ones(dim));
    }

    public Parameter weight() { return weight; }

    public float eps() { return eps; }

    @Override
    public Var forward(Var x) { return Functional.rmsNorm(x, weight, eps); }
}
