package dev.elixr.models.vision;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Layer;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.ModuleCheckpoint;
import dev.elixr.autograd.nn.Sequential;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Mobile inverted bottleneck (Sandler et al. 2018, §3.3; Tan &amp; Le 2019, §4): 1×1 expansion (when the ratio is not 1),
 * k×k depthwise convolution, squeeze-and-excitation, 1×1 linear projection; a residual connection with stochastic
 * depth when stride is 1 and the widths agree. torchvision's {@code MBConv}, with its {@code block.N} names. With
 * activation checkpointing the four layers keep only the block's input ({@link ModuleCheckpoint}); stochastic depth
 * stays outside the recomputed part, so its draw is made once.
 */
public final class MBConv extends Module implements Layer {
    private final Sequential block;
    private final ConvBnAct expand, depthwise, project;
    private final SqueezeExcitation se;
    private final boolean residual;
    private final float dropProb;
    private final RandomGenerator rng;
    private boolean checkpointActivations;

    public MBConv(MBConvConfig stage, int in, int stride, float dropProb, EfficientNetConfig c, RandomGenerator rng) {
        int out = stage.outChannels(), mid = stage.expandedChannels(in);
        List<Layer> layers = new ArrayList<>();
        this.expand = mid != in ? new ConvBnAct(in, mid, 1, 1, 1, true, c, rng) : null;
        this.depthwise = new ConvBnAct(mid, mid, stage.kernel(), stride, mid, true, c, rng);
        this.se = new SqueezeExcitation(mid, Math.max(1, in / 4), rng);
        this.project = new ConvBnAct(mid, out, 1, 1, 1, false, c, rng);
        if (expand != null) layers.add(expand);
        layers.addAll(List.of(depthwise, se, project));
        this.block = registerModule("block", new Sequential(layers.toArray(Layer[]::new)));
        this.residual = stride == 1 && in == out;
        this.dropProb = dropProb;
        this.rng = rng;
    }

    /** Activation checkpointing of this block: its expansion, depthwise, SE and projection are recomputed in the backward. */
    public MBConv checkpointActivations(boolean on) {
        this.checkpointActivations = on;
        return this;
    }

    public boolean checkpointsActivations() { return checkpointActivations; }

    @Override
    public Var forward(Var x) {
        if (project.inferring()) return Var.of(infer(x.value()));
        Var y = checkpointActivations ? ModuleCheckpoint.apply("mbconv", block, x) : block.forward(x);
        return residual ? StochasticDepth.apply(y, dropProb, isTraining(), rng).add(x) : y;
    }

    /**
     * The evaluation forward without a graph: three fused convolutions, the squeeze-and-excitation weights folded into
     * the projection as its input gate instead of a pass scaling the depthwise output; stochastic depth is the identity.
     */
    private Tensor infer(Tensor x) {
        Tensor h = expand == null ? x : expand.infer(x, null);
        h = depthwise.infer(h, null);
        Tensor y = project.infer(h, se.gate(h));
        return residual ? Elementwise.add(y, x) : y;
    }
}
