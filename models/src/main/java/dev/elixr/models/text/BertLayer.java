package dev.elixr.models.text;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.transformer.AddNorm;
import dev.elixr.models.transformer.Dense;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * A post-norm BERT layer (Devlin et al. 2019, §3; Vaswani et al. 2017, §3.1): self-attention, optional cross-attention
 * to an encoder (BLIP-2 Q-Former, Li et al. 2023, §3.1), then the feed-forward network, each wrapped in Add &amp; Norm.
 */
public final class BertLayer extends Module {
    private final BertConfig config;
    private final BertAttention attention;
    private final BertAttention crossAttention;
    private final Dense intermediate;
    private final AddNorm output;

    public BertLayer(BertConfig c, boolean withCrossAttention, RandomGenerator rng) {
        this.config = c;
        this.attention = registerModule("attention", new BertAttention(c, c.hiddenSize(), rng));
        this.crossAttention = withCrossAttention ? registerModule("crossattention", new BertAttention(c, c.encoderWidth(), rng)) : null;
        this.intermediate = registerModule("intermediate", new Dense(c.hiddenSize(), c.intermediateSize(), rng));
        this.output = registerModule("output", new AddNorm(c.intermediateSize(), c.hiddenSize(), c.layerNormEps(), c.dropout(), rng));
    }

    public boolean hasCrossAttention() { return crossAttention != null; }

    /**
     * x [B,T,D]; selfMask additive, broadcastable to [B,H,T,T] (or null); encoder states [B,S,Dc] and their additive
     * mask are used only by a layer with cross-attention (and may be null otherwise).
     */
    public Var forward(Var x, Tensor selfMask, Var encoder, Tensor encoderMask) {
        Var h = attention.forward(x, x, selfMask);
        if (crossAttention != null) {
            if (encoder == null) throw new IllegalArgumentException("BERT layer with cross-attention needs encoder hidden states");
            h = crossAttention.forward(h, encoder, encoderMask);
        }
        return feedForward(h);
    }

    /** The feed-forward sub-layer alone: LayerNorm(h + Dense(act(Dense(h)))). */
    public Var feedForward(Var h) {
        return output.forward(config.hiddenAct().forward(intermediate.forward(h)), h);
    }

    public BertAttention attention() { return attention; }

    public BertAttention crossAttention() { return crossAttention; }
}
