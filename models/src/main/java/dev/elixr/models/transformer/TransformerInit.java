package dev.elixr.models.transformer;

import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * Hugging Face's initialisation of BERT and ViT (Devlin et al. 2019 use N(0, 0.02)): weight matrices, embeddings and
 * learned tokens from a normal of standard deviation 0.02 truncated at ±2σ, biases 0, layer-norm scales 1; convolution
 * kernels (ViT's patch projection) likewise. Used when training from scratch; loading replaces all of it.
 */
public final class TransformerInit {
    public static final float STD = 0.02f;

    private TransformerInit() {}

    public static void apply(Module model, RandomGenerator rng) {
        for (var e : model.namedParameters().entrySet()) {
            String name = e.getKey();
            Parameter p = e.getValue();
            int[] shape = p.shape();
            Tensor init;
            if (isNorm(name)) init = name.endsWith(".weight") ? Tensor.ones(shape) : Tensor.zeros(shape);
            else if (name.endsWith(".bias")) init = Tensor.zeros(shape);
            else init = Tensor.truncatedNormal(rng, 0f, STD, -2 * STD, 2 * STD, shape);
            p.assign(init);
        }
    }

    private static boolean isNorm(String name) {
        String module = name.substring(0, Math.max(0, name.lastIndexOf('.')));
        String leaf = module.substring(module.lastIndexOf('.') + 1);
        return leaf.equals("LayerNorm") || leaf.startsWith("layernorm");
    }
}
