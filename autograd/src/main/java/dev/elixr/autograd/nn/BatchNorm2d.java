package dev.elixr.autograd.nn;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

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

    /** Running statistics are updated in place: replace read-only (memory-mapped) ones by heap copies first. */
    private void writable(String name) {
        Tensor t = buffer(name);
        if (t.storage().array() == null || !t.isContiguous()) setBuffer(name, Tensor.of(t.toFloatArray(), t.shape()));
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public Tensor runningMean() { return buffer("running_mean"); }

    public Tensor runningVar() { return buffer("running_var"); }

    @Override
    public Var forward(Var x) {
        if (isTraining()) {
            setBuffer("num_batches_tracked", Tensor.scalar(buffer("num_batches_tracked").item() + 1));
            writable("running_mean");
            writable("running_var");
        }
        return Functional.batchNorm2d(x, weight, bias, runningMean(), runningVar(), isTraining(), momentum, eps);
    }
}
