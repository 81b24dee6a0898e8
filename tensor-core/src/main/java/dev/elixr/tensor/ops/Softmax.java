package dev.elixr.tensor.ops;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;

/** Softmax and log-softmax along one axis (max-subtracted, so large logits do not overflow). */
public final class Softmax {
    private Softmax() {}

    public static Tensor softmax(Tensor x, int axis) { return run("softmax", x, axis, false); }

    public static Tensor logSoftmax(Tensor x, int axis) { return run("logSoftmax", x, axis, true); }

    private static Tensor run(String name, Tensor x, int axis, boolean log) {
        int a = Shape.axis(name, axis, x.dim());
        Backend be = Backends.of(name, x);
        Tensor out = Outputs.allocate(be, x.shape());
        be.softmax(x, a, log, out);
        return out;
    }
}
