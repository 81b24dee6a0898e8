package dev.elixr.models.text;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.transformer.AddNorm;
import dev.elixr.models.transformer.QkvAttention;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * BERT's attention sub-layer: multi-head attention ({@code self}) then LayerNorm(x + Dense(·)) ({@code output}).
 * As cross-attention ({@code crossattention}) keys and values come from another encoder of width contextWidth.
 */
public final class BertAttention extends Module {
    private final QkvAttention self;
    private final AddNorm output;

    public BertAttention(BertConfig c, int contextWidth, RandomGenerator rng) {
        this.self = registerModule("self", new QkvAttention(c.hiddenSize(), contextWidth, c.numHeads(), true, rng));
        this.output = registerModule("output", new AddNorm(c.hiddenSize(), c.hiddenSize(), c.layerNormEps(), c.dropout(), rng));
    }

    /** x [B,T,D] attending to context [B,S,Dc] with an additive mask (or null). */
    public Var forward(Var x, Var context, Tensor mask) {
        return output.forward(self.forward(x, context, mask), x);
    }
}
