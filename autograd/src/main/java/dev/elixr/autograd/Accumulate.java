package dev.elixr.autograd;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;

/** Sums two gradients of the same shape into a new tensor (never writes into either). */
final class Accumulate {
    private Accumulate() {}

    static Tensor sum(Tensor a, Tensor b) { return Elementwise.add(a, b); }
}
