package dev.elixr.autograd.nn;

import dev.elixr.autograd.Var;

/** Parameter-free activations, usable as {@link Layer}s in a {@link Sequential}. */
public enum Activation implements Layer {
    RELU, GELU, GELU_TANH, SILU, TANH, SIGMOID, IDENTITY;

    @Override
    public Var forward(Var x) {
        return switch (this) {
            case RELU -> x.relu();
            case GELU -> x.gelu();
            case GELU_TANH -> x.geluTanh();
            case SILU -> x.silu();
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
            case IDENTITY -> x;
        };
    }
}
