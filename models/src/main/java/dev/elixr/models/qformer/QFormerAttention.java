package dev.elixr.models.qformer;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.transformer.AddNorm;
import dev.elixr.models.transformer.KeyValues;
import dev.elixr.models.transformer.QkvAttention;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * One attention sub-layer of the Q-Former, named as Hugging Face's {@code Blip2QFormerAttention}: multi-head attention
 * ({@code attention.{query,key,value}}) then LayerNorm(x + Dense(·)) ({@code output.{dense,LayerNorm}}). As
 * cross-attention its keys and values project from the image width.
 */
public final class QFormerAttention extends Module {
    private final QkvAttention attention;
    private final AddNorm output;

    public QFormerAttention(QFormerConfig.Transformer t, int contextWidth, RandomGenerator rng) {
        this.attention = registerModule("attention", new QkvAttention(t.width(), contextWidth, t.heads(), true, rng));
        this.output = registerModule("output", new AddNorm(t.width(), t.width(), t.layerNormEps(), t.dropout(), rng));
    }

    /** Keys and values of context [B,T,Dc] split into heads. */
    public KeyValues keysValues(Var context) { return attention.keysValues(context); }

    /** x [B,Tq,D] attending to the given keys and values with an additive mask (or null). */
    public Var forward(Var x, KeyValues kv, Tensor mask) { return output.forward(attention.forward(x, kv, mask), x); }

    /** x [B,Tq,D] attending to context [B,Tk,Dc]. */
    public Var forward(Var x, Var context, Tensor mask) { return forward(x, keysValues(context), mask); }
}
