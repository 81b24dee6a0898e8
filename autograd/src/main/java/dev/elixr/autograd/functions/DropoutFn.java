package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Inverted dropout (Srivastava et al. 2014): keeps each element with probability 1-p and scales by 1/(1-p). */
public final class DropoutFn {
    private DropoutFn() {}

    public static Var dropout(Var x, float p, java.util.random.RandomGenerator rng, boolean training) { throw Pending.ops("dropout"); }
}
