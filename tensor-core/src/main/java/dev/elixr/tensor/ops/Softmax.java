package dev.elixr.tensor.ops;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.backend.SoftmaxMode;

/** Softmax and log-softmax along one axis (max-subtracted, so large logits do not overflow). */
public final class Softmax {
    private Softmax() {}

    public static Tensor softmax(Tensor x, int axis) { return run("softmax", x, axis, false); }

    public static Tensor logSoftmax(Tensor x, int axis) { return run("logSoftmax", x, axis, true); }

    /** Gradient of softmax along axis from its output y: dx = y⊙(g − Σ g⊙y). */
    public static Tensor softmaxBackward(Tensor y, Tensor g, int axis) { return backward("softmaxBackward", SoftmaxMode.SOFTMAX, y, g, axis); }

    /** Gradient of log-softmax along axis from its output y: dx = g − exp(y)·Σ g. */
    public static Tensor logSoftmaxBackward(Tensor y, Tensor g, int axis) { return backward("logSoftmaxBackward", SoftmaxMode.LOG_SOFTMAX, y, g, axis); }

    private static Tensor backward(String name, SoftmaxMode mode, Tensor y, Tensor g, int axis) {
        if (!y.sameShape(g)) throw new IllegalArgumentException(name + ": gradient " + Outputs.str(g) + " differs from output " + Outputs.str(y));
        int a = Shape.axis(name, axis, y.dim());
        Backend be = Backends.of(name, y, g);
        Tensor out = Outputs.allocate(be, y.shape());
        be.softmaxBackward(mode, y, g, a, out);
        return out;
    }

    private static Tensor run(String name, Tensor x, int axis, boolean log) {
        int a = Shape.axis(name, axis, x.dim());
        Backend be = Backends.of(name, x);
        Tensor out = Outputs.allocate(be, x.shape());
        be.softmax(log ? SoftmaxMode.LOG_SOFTMAX : SoftmaxMode.SOFTMAX, x, a, out);
        return out;
    }
}
