package dev.elixr.autograd.nn;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Layer normalisation over the last dimension (Ba et al. 2016), weight 1 and bias 0 at start. */
public final class LayerNorm extends Module implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final float eps;

    public LayerNorm(int dim, float eps) { this(dim, eps, true); }

    /** affine=false gives no weight and bias. */
    public LayerNorm(int dim, float eps, boolean affine) {
        this.eps = eps;
        this.weight = affine ? registerParameter("weight", Tensor.ones(dim)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(dim)) : null;
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public float eps() { return eps; }

    @Override
    public Var forward(Var x) { return Functional.layerNorm(x, weight, bias, eps); }
}
