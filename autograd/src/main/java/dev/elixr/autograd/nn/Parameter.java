package dev.elixr.autograd.nn;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** A trainable leaf of a {@link Module}: a {@link Var} that requires grad unless its module is frozen. */
public final class Parameter extends Var {
    public Parameter(Tensor value) { super(value, true); }
}
