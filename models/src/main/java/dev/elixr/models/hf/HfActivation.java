package dev.elixr.models.hf;

import dev.elixr.autograd.nn.Activation;

import java.util.Locale;

/** The hidden activations Hugging Face configs name in {@code hidden_act}, as autograd {@link Activation}s. */
public final class HfActivation {
    private HfActivation() {}

    /**
     * "gelu" is the exact GELU, x·Φ(x) (Hendrycks &amp; Gimpel 2016); "gelu_new", "gelu_pytorch_tanh" and "gelu_fast"
     * its tanh approximation; "silu" and "swish" x·σ(x).
     */
    public static Activation parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "gelu" -> Activation.GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activation.GELU_TANH;
            case "relu" -> Activation.RELU;
            case "silu", "swish" -> Activation.SILU;
            default -> throw new IllegalArgumentException("unsupported hidden_act '" + name
                    + "' (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu, swish)");
        };
    }
}
