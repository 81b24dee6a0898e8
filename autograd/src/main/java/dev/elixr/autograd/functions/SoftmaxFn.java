package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Softmax and log-softmax along an axis; backward from the saved output. */
public final class SoftmaxFn {
    private SoftmaxFn() {}

    public static Var softmax(Var x, int axis) { throw Pending.ops("softmax"); }
    public static Var logSoftmax(Var x, int axis) { throw Pending.ops("logSoftmax"); }
}
