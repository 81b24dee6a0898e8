package dev.elixr.models.text;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.ModuleList;
import dev.elixr.models.transformer.AttentionMasks;
import dev.elixr.models.transformer.Dense;
import dev.elixr.models.transformer.EncoderOutput;
import dev.elixr.models.transformer.TransformerInit;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * BERT (Devlin et al. 2019): embeddings, post-norm transformer layers (some with cross-attention when the config asks,
 * as the BLIP-2 Q-Former), and a pooler tanh(Dense(h_CLS)). Parameter names are those of Hugging Face's
 * {@code BertModel}, so its {@code model.safetensors} loads directly.
 */
public final class BertEncoder extends Module {
    private final BertConfig config;
    private final BertEmbeddings embeddings;
    private final Encoder encoder;
    private final Dense pooler;

    /** HF's {@code encoder.layer.N}. */
    static final class Encoder extends Module {
        final ModuleList<BertLayer> layer = registerModule("layer", new ModuleList<>());
    }

    /** A model to train from scratch: Hugging Face's N(0, 0.02) initialisation ({@link TransformerInit}). */
    public BertEncoder(BertConfig config, RandomGenerator rng) { this(config, rng, true); }

    /** hfInit false skips the initialisation pass (weights about to be loaded). */
    public BertEncoder(BertConfig config, RandomGenerator rng, boolean hfInit) {
        this.config = config;
        this.embeddings = registerModule("embeddings", new BertEmbeddings(config, rng));
        this.encoder = registerModule("encoder", new Encoder());
        for (int i = 0; i < config.numLayers(); i++) encoder.layer.add(new BertLayer(config, config.hasCrossAttention(i), rng));
        this.pooler = config.addPooler() ? registerModule("pooler", new Dense(config.hiddenSize(), config.hiddenSize(), rng)) : null;
        if (hfInit) TransformerInit.apply(this, rng);
    }

    public BertConfig config() { return config; }

    public BertEmbeddings embeddings() { return embeddings; }

    public BertLayer layer(int i) { return encoder.layer.get(i); }

    public int numLayers() { return encoder.layer.size(); }

    /** One text batch: ids, attention mask and token types [B·T] row-major (mask and types may be null). */
    public EncoderOutput encode(int[] ids, int[] attentionMask, int[] tokenTypes, int batch, int length) {
        return encode(ids, attentionMask, tokenTypes, batch, length, null, null);
    }

    /** As {@link #encode(int[], int[], int[], int, int)}, cross-attending to encoder states [B,S,Dc] (mask additive or null). */
    public EncoderOutput encode(int[] ids, int[] attentionMask, int[] tokenTypes, int batch, int length,
                                Var encoderStates, Tensor encoderMask) {
        Var h = embeddings.forward(ids, tokenTypes, batch, length);
        Tensor mask = attentionMask == null ? null : AttentionMasks.padding(attentionMask, batch, length);
        h = forwardLayers(h, mask, encoderStates, encoderMask);
        return new EncoderOutput(h, pool(h));
    }

    /** The layers over given hidden states [B,T,D] (e.g. learned queries concatenated with text embeddings). */
    public Var forwardLayers(Var h, Tensor selfMask, Var encoderStates, Tensor encoderMask) {
        for (BertLayer l : encoder.layer) h = l.forward(h, selfMask, encoderStates, encoderMask);
        return h;
    }

    /** tanh(Dense(h[:, 0])) [B,D], or null without a pooler. */
    public Var pool(Var h) { return pooler == null ? null : pooler.forward(h.select(1, 0)).tanh(); }
}
