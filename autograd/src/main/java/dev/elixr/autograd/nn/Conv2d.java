package dev.elixr.autograd.nn;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;

import java.util.random.RandomGenerator;

/** 2-D convolution, weight [out, in/groups, k, k], initialised U(-1/√fanIn, 1/√fanIn) as torch.nn.Conv2d. */
public final class Conv2d extends Module implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final Conv2dParams params;

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, RandomGenerator rng) {
        this(in, out, kernel, stride, padding, 1, 1, bias, rng);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias, RandomGenerator rng) {
        if (groups <= 0 || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("Conv2d: in=" + in + " and out=" + out + " must both divide by groups=" + groups);
        }
        int fanIn = in / groups * kernel * kernel;
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        this.weight = registerParameter("weight", Tensor.uniform(rng, -bound, bound, out, in / groups, kernel, kernel));
        this.bias = bias ? registerParameter("bias", Tensor.uniform(rng, -bound, bound, out)) : null;
        this.params = Conv2dParams.of(stride, padding, dilation, groups);
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public Conv2dParams params() { return params; }

    @Override
    public Var forward(Var x) { return Functional.conv2d(x, weight, bias, params); }
}
