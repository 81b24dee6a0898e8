package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Batch normalisation over N,H,W per channel (Ioffe &amp; Szegedy 2015), updating running statistics in training. */
public final class BatchNormFn {
    private BatchNormFn() {}

    public static Var batchNorm2d(Var x, Var gamma, Var beta, Tensor runningMean, Tensor runningVar,
                                  boolean training, float momentum, float eps) { throw Pending.ops("batchNorm2d"); }
}
