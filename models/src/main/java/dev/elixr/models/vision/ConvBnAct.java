package dev.elixr.models.vision;

import dev.elixr.autograd.ActivationCheckpoint;
import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.BatchNorm2d;
import dev.elixr.autograd.nn.Conv2d;
import dev.elixr.autograd.nn.Layer;
import dev.elixr.autograd.nn.Module;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.UnaryOp;
import dev.elixr.tensor.ops.Conv;
import dev.elixr.tensor.ops.Elementwise;

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
        if (inferring()) return Var.of(infer(x.value(), null));
        Var y = bn.afterConv(conv, x);
        return activation ? y.silu() : y;
    }

    /**
     * True in evaluation without a graph: {@link #infer} may then stand for {@link #forward}; not in a checkpointed
     * block's first pass, whose output must equal the recomputation with a graph.
     */
    boolean inferring() { return !isTraining() && !GradMode.isEnabled() && !ActivationCheckpoint.inFirstPass(); }

    /**
     * The evaluation forward without a graph, as one fused convolution: SiLU(conv(x·gate, w)·s + β − μ·s) with
     * s = γ/√(σ² + ε) applied to each output channel on the way out (the weights are not rewritten: nothing is cached that
     * an optimiser step could make stale); gate [N, C] scales the input channels (squeeze-and-excitation) or is null.
     */
    Tensor infer(Tensor x, Tensor gate) {
        Tensor s = Elementwise.mul(bn.weight().value(), Elementwise.rsqrt(Elementwise.add(bn.runningVar(), bn.eps())));
        Tensor mean = conv.bias() == null ? bn.runningMean() : Elementwise.sub(bn.runningMean(), conv.bias().value());
        Tensor shift = Elementwise.sub(bn.bias().value(), Elementwise.mul(mean, s));
        return Conv.conv2dFused(x, conv.weight().value(), gate, s, shift, activation ? UnaryOp.SILU : null, conv.params());
    }
}
