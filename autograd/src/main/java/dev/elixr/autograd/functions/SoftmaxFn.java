package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.Reduce;

/** Softmax and log-softmax along an axis; backward from the saved output. */
public final class SoftmaxFn {
    private SoftmaxFn() {}

    /** dx = y ⊙ (g − Σ g⊙y). */
    public static Var softmax(Var x, int axis) {
        Tensor y = dev.elixr.tensor.ops.Softmax.softmax(x.value(), axis);
        return Var.result("softmax", y, g -> {
            Tensor dot = Reduce.sum(Elementwise.mul(g, y), true, axis);
            return new Tensor[] {Elementwise.mul(y, Elementwise.sub(g, dot))};
        }, x);
    }

    /** dx = g − exp(y)·Σ g. */
    public static Var logSoftmax(Var x, int axis) {
        Tensor y = dev.elixr.tensor.ops.Softmax.logSoftmax(x.value(), axis);
        return Var.result("logSoftmax", y, g -> {
            Tensor total = Reduce.sum(g, true, axis);
            return new Tensor[] {Elementwise.sub(g, Elementwise.mul(Elementwise.exp(y), total))};
        }, x);
    }
}
