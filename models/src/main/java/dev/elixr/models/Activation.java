package dev.elixr.models;

import dev.elixr.autograd.Var;

import java.util.Locale;

/** The hidden activations Hugging Face configs name in {@code hidden_act}. */
public enum Activation {
    /** Exact GELU, x·Φ(x) (Hendrycks &amp; Gimpel 2016): HF "gelu". */
    GELU,
    /** Tanh approximation of GELU: HF "gelu_new", "gelu_pytorch_tanh", "gelu_fast". */
    GELU_TANH,
    RELU,
    /** SiLU / swish, x·σ(x): HF "silu", "swish". */
    SILU;

    public Var apply(Var x) {
        return switch (this) {
            case GELU -> x.gelu();
            case GELU_TANH -> x.geluTanh();
            case RELU -> x.relu();
            case SILU -> x.silu();
        };
    }

    public static Activation parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "gelu" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "relu" -> RELU;
            case "silu", "swish" -> SILU;
            default -> throw new IllegalArgumentException("unsupported hidden_act '" + name
                    + "' (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu, swish)");
        };
    }
}
