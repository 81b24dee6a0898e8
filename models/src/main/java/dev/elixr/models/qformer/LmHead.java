package dev.elixr.models.qformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.autograd.nn.LayerNorm;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * BERT's language-model head as BLIP-2 uses it for image-grounded text generation (LAVIS's {@code Qformer.cls}):
 * {@code predictions.transform} = LayerNorm(act(Dense(h))), then logits = transform(h)·Eᵀ + {@code predictions.bias}
 * with E the word embeddings (tied: the decoder weight is the embedding table, not a parameter of its own).
 */
public final class LmHead extends Module {
    private final Predictions predictions;

    /** HF's {@code cls.predictions}. */
    static final class Predictions extends Module {
        final Transform transform;
        final Parameter bias;

        Predictions(QFormerConfig c, RandomGenerator rng) {
            transform = registerModule("transform", new Transform(c, rng));
            bias = registerParameter("bias", Tensor.zeros(c.text().vocabSize()));
        }
    }

    /** HF's {@code cls.predictions.transform}. */
    static final class Transform extends Module {
        final Linear dense;
        final Activation activation;
        final LayerNorm norm;

        Transform(QFormerConfig c, RandomGenerator rng) {
            dense = registerModule("dense", new Linear(c.width(), c.width(), true, rng));
            activation = c.transformer().activation();
            norm = registerModule("LayerNorm", new LayerNorm(c.width(), c.transformer().layerNormEps()));
        }
    }

    public LmHead(QFormerConfig c, RandomGenerator rng) {
        this.predictions = registerModule("predictions", new Predictions(c, rng));
    }

    /** Logits [B,L,V] of hidden states h [B,L,D] over the tied word embeddings [V,D]. */
    public Var forward(Var h, Var wordEmbeddings) {
        Transform t = predictions.transform;
        Var x = t.norm.forward(t.activation.forward(t.dense.forward(h)));
        return Functional.linear(x, wordEmbeddings, predictions.bias);
    }
}
