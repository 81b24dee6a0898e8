package dev.elixr.autograd;

import dev.elixr.tensor.Tensor;

/** Sums two gradients of the same shape into a new tensor (never writes into either). */
final class Accumulate {
    private Accumulate() {}

    static Tensor sum(Tensor a, Tensor b) {
        // TODO(autograd): Elementwise.add once tensor ops land (device tensors).
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        for (int i = 0; i < x.length; i++) x[i] += y[i];
        return Tensor.wrap(x, a.shape());
    }
}
