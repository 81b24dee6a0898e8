package dev.elixr.models.qformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.LayerNorm;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.ModuleList;
import dev.elixr.models.transformer.KeyValues;
import dev.elixr.tensor.Tensor;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The Q-Former's transformer proper, Hugging Face's {@code Blip2QFormerModel} (LAVIS's {@code Qformer.bert} without
 * its word embeddings): {@code layernorm} over the input embeddings (queries and/or text), dropout, then
 * {@code encoder.layer.N}. No final norm after the last layer.
 */
public final class QFormerModel extends Module {
    private final QFormerConfig config;
    private final LayerNorm layernorm;
    private final Encoder encoder;
    private final RandomGenerator rng;

    /** HF's {@code encoder.layer.N}. */
    static final class Encoder extends Module {
        final ModuleList<QFormerLayer> layer = registerModule("layer", new ModuleList<>());
    }

    public QFormerModel(QFormerConfig c, boolean withText, RandomGenerator rng) {
        this.config = c;
        this.rng = rng;
        this.layernorm = registerModule("layernorm", new LayerNorm(c.width(), c.transformer().layerNormEps()));
        this.encoder = registerModule("encoder", new Encoder());
        for (int i = 0; i < c.depth(); i++) encoder.layer.add(new QFormerLayer(c, i, withText, rng));
    }

    public QFormerLayer layer(int i) { return encoder.layer.get(i); }

    /**
     * embeds [B,Q+L,D] (queries first): LayerNorm, dropout, the layers. past: per layer, keys and values attended to
     * before the input's own (or null); cache: when not null, receives each layer's own keys and values.
     */
    public Var forward(Var embeds, int queryLength, List<KeyValues> past, Tensor mask, Var image, List<KeyValues> cache) {
        return forward(embeds, queryLength, past, mask, image, cache, embeds.size(1));
    }

    /**
     * As {@link #forward(Var, int, List, Tensor, Var, List)}, returning only the first {@code outputs} positions
     * [B,outputs,D]: the last layer computes no others (see {@link QFormerLayer#forward(Var, int, KeyValues, Tensor, Var, List, int)}).
     */
    public Var forward(Var embeds, int queryLength, List<KeyValues> past, Tensor mask, Var image, List<KeyValues> cache, int outputs) {
        if (past != null && past.size() != config.depth()) {
            throw new IllegalArgumentException("Q-Former: keys and values of " + past.size() + " layers for " + config.depth() + " layers");
        }
        Var h = layernorm.forward(embeds);
        if (isTraining() && config.transformer().dropout() > 0) h = Functional.dropout(h, config.transformer().dropout(), rng, true);
        for (int i = 0; i < config.depth(); i++) {
            int keep = i == config.depth() - 1 ? outputs : h.size(1);
            h = encoder.layer.get(i).forward(h, queryLength, past == null ? null : past.get(i), mask, image, cache, keep);
        }
        return h;
    }
}
