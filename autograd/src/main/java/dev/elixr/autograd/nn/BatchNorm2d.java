package dev.elixr.autograd.nn;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;

/**
 * Batch normalisation per channel of [N,C,H,W] (Ioffe &amp; Szegedy 2015): batch statistics in training
 * (updating running_mean / running_var), running statistics in eval. Buffers are named as in PyTorch.
 */
public final class BatchNorm2d extends Module implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final float eps;
    private final float momentum;

    public BatchNorm2d(int channels) { this(channels, 1e-5f, 0.1f); }

    public BatchNorm2d(int channels, float eps, float momentum) {
        this.eps = eps;
        this.momentum = momentum;
        this.weight = registerParameter("weight", Tensor.ones(channels));
        this.bias = registerParameter("bias", Tensor.zeros(channels));
        registerBuffer("running_mean", Tensor.zeros(channels));
        registerBuffer("running_var", Tensor.ones(channels));
        registerBuffer("num_batches_tracked", Tensor.zeros());
    }

    /** Running statistics are updated in place: replace views and read-only (memory-mapped) ones by copies first. */
    private void writable(String name) {
        Tensor t = buffer(name);
        boolean mapped = t.device().kind() == Device.Kind.CPU && t.storage().array() == null;
        if (mapped || !t.isContiguous()) setBuffer(name, t.copy());
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public float eps() { return eps; }

    public Tensor runningMean() { return buffer("running_mean"); }

    public Tensor runningVar() { return buffer("running_var"); }

    @Override
    public Var forward(Var x) {
        countBatch();
        return Functional.batchNorm2d(x, weight, bias, runningMean(), runningVar(), isTraining(), momentum, eps);
    }

    /** ReLU(forward(x)), the two fused in training ({@link Functional#batchNorm2dRelu}): the same values and gradients. */
    public Var forwardRelu(Var x) {
        countBatch();
        return Functional.batchNorm2dRelu(x, weight, bias, runningMean(), runningVar(), isTraining(), momentum, eps);
    }

    private void countBatch() {
        if (isTraining()) {
            setBuffer("num_batches_tracked", Elementwise.add(buffer("num_batches_tracked"), 1f));
            writable("running_mean");
            writable("running_var");
        }
    }

    /**
     * {@code conv}, then this batch norm. In training that is all; in evaluation the running statistics are folded into
     * the kernel and bias first (Jacob et al. 2018, section 3.2; PyTorch's {@code fuse_conv_bn_eval}):
     * conv(x, w·s) + (b − μ)·s + β with s = γ/√(σ² + ε) and b the conv's bias (0 without one). The same function and
     * gradient with one pass over the activations instead of five (conv, then subtract, scale, multiply, add); the fold
     * itself costs a pass over the kernel, small beside a batch of feature maps.
     */
    public Var afterConv(Conv2d conv, Var x) {
        return afterConv(conv, x, false);
    }

    /** ReLU({@link #afterConv}): in training the norm and the ReLU fused ({@link #forwardRelu}), in evaluation the folded conv then ReLU. */
    public Var afterConvRelu(Conv2d conv, Var x) {
        return afterConv(conv, x, true);
    }

    private Var afterConv(Conv2d conv, Var x, boolean relu) {
        if (isTraining()) return relu ? forwardRelu(conv.forward(x)) : forward(conv.forward(x));
        Var y = folded(conv, x);
        return relu ? y.relu() : y;
    }

    private Var folded(Conv2d conv, Var x) {
        int out = conv.weight().size(0);
        if (runningMean().numel() != out)
            throw new IllegalArgumentException("batch norm of " + runningMean().numel() + " channels after a conv of " + out + " output channels");
        Var s = weight.mul(Var.of(runningVar()).add(eps).rsqrt());
        Var mean = Var.of(runningMean());
        Var shift = conv.bias() == null ? mean.neg() : conv.bias().sub(mean);
        return Functional.conv2d(x, conv.weight().mul(s.view(out, 1, 1, 1)), shift.mul(s).add(bias), conv.params());
    }
}
