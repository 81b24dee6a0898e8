package dev.elixr.models.vision;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Conv2d;
import dev.elixr.autograd.nn.Layer;
import dev.elixr.autograd.nn.Module;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.UnaryOp;
import dev.elixr.tensor.ops.Conv;
import dev.elixr.tensor.ops.Reduce;

import java.util.random.RandomGenerator;

/**
 * Squeeze-and-excitation (Hu et al. 2018, §3): channel weights σ(fc2(SiLU(fc1(mean over H,W)))) scale the input.
 * 1×1 convolutions {@code fc1}, {@code fc2} as torchvision's {@code SqueezeExcitation}.
 */
public final class SqueezeExcitation extends Module implements Layer {
    private final Conv2d fc1, fc2;

    public SqueezeExcitation(int channels, int squeeze, RandomGenerator rng) {
        this.fc1 = registerModule("fc1", new Conv2d(channels, squeeze, 1, 1, 0, true, rng));
        this.fc2 = registerModule("fc2", new Conv2d(squeeze, channels, 1, 1, 0, true, rng));
    }

    @Override
    public Var forward(Var x) {
        Var s = x.mean(true, 2, 3);
        return x.mul(fc2.forward(fc1.forward(s).silu()).sigmoid());
    }

    /**
     * The channel weights alone, σ(fc2(SiLU(fc1(mean over H,W)))) as [N, C], without a graph: the evaluation forward
     * hands them to the next 1×1 convolution as its input gate instead of scaling x ({@link MBConv}).
     */
    Tensor gate(Tensor x) {
        Tensor s = Reduce.mean(x, true, 2, 3);
        Tensor z = Conv.conv2dFused(s, fc1.weight().value(), null, null, bias(fc1), UnaryOp.SILU, fc1.params());
        Tensor g = Conv.conv2dFused(z, fc2.weight().value(), null, null, bias(fc2), UnaryOp.SIGMOID, fc2.params());
        return g.reshape(x.size(0), x.size(1));
    }

    private static Tensor bias(Conv2d fc) { return fc.bias() == null ? null : fc.bias().value(); }
}
