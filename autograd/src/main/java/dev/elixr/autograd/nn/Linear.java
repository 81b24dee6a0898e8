package dev.elixr.autograd.nn;

import dev.elixr.autograd.functions.MatMulFn;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * y = x·Wᵀ + b with W [out,in] (PyTorch layout); initialised U(-1/√in, 1/√in) as torch.nn.Linear. Frozen, the forward
 * multiplies by a packed copy of Wᵀ ({@link FrozenWeight}).
 */
public final class Linear extends Module implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final FrozenWeight frozen = new FrozenWeight();

    public Linear(int in, int out, boolean bias, RandomGenerator rng) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: sizes must be positive, got in=" + in + " out=" + out);
        float bound = (float) (1.0 / Math.sqrt(in));
        this.weight = registerParameter("weight", Tensor.uniform(rng, -bound, bound, out, in));
        this.bias = bias ? registerParameter("bias", Tensor.uniform(rng, -bound, bound, out)) : null;
    }

    public Parameter weight() { return weight; }

    /** The bias, or null when built without one. */
    public Parameter bias() { return bias; }

    public int inFeatures() { return weight.size(1); }

    public int outFeatures() { return weight.size(0); }

    @Override
    public Var forward(Var x) { return MatMulFn.linear(x, weight, bias, frozen.packedTranspose(weight)); }
}
