package dev.elixr.autograd.nn;

import dev.elixr.autograd.Var;

/** A single-input, single-output layer; what {@link Sequential} chains. Lambdas like {@code Var::gelu} qualify. */
@FunctionalInterface
public interface Layer {
    Var forward(Var x);
}
