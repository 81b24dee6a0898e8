package dev.elixr.models.vision;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.BatchNorm2d;
import dev.elixr.autograd.nn.Conv2d;
import dev.elixr.autograd.nn.Layer;
import dev.elixr.autograd.nn.Module;

import java.util.random.RandomGenerator;

/**
 * Convolution without bias, batch norm, then SiLU (or nothing): torchvision's {@code Conv2dNormActivation}, with its
 * names {@code 0} (conv) and {@code 1} (batch norm) and "same" padding (k−1)/2.
 */
public final class ConvBnAct extends Module implements Layer {
    private final Conv2d conv;
    private final BatchNorm2d bn;
    private final boolean activation;

    public ConvBnAct(int in, int out, int kernel, int stride, int groups, boolean activation, EfficientNetConfig c,
                     RandomGenerator rng) {
        this.conv = registerModule("0", new Conv2d(in, out, kernel, stride, (kernel - 1) / 2, 1, groups, false, rng));
        this.bn = registerModule("1", new BatchNorm2d(out, c.batchNormEps(), c.batchNormMomentum()));
        this.activation = activation;
    }

    /**
     * In training, batch norm after the convolution (batch statistics); in evaluation the running statistics are folded
     * into the kernel and bias first, conv(x, w·s) + (β − μ·s) with s = γ/√(σ² + ε): the same function (and gradient),
     * one pass over the activations instead of several.
     */
    @Override
    public Var forward(Var x) {
        Var y = bn.afterConv(conv, x);
        return activation ? y.silu() : y;
    }
}
