package dev.elixr.models.vision;

import dev.elixr.autograd.ActivationCheckpoint;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.LayerNorm;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.ModuleList;
import dev.elixr.models.transformer.Dense;
import dev.elixr.models.transformer.EncoderOutput;
import dev.elixr.models.transformer.TransformerInit;

import java.util.random.RandomGenerator;

/**
 * Vision Transformer (Dosovitskiy et al. 2021, §3.1): patch embedding, [CLS] token, position embeddings, pre-norm
 * blocks, final layer norm and an optional pooler, tanh(Dense(h_CLS)). Parameter names are those of Hugging Face's
 * {@code ViTModel}, so its {@code model.safetensors} loads directly.
 */
public final class VisionTransformer extends Module {
    private final VitConfig config;
    private final VitEmbeddings embeddings;
    private final Encoder encoder;
    private final LayerNorm layernorm;
    private final Dense pooler;

    /** HF's {@code encoder.layer.N}. */
    static final class Encoder extends Module {
        final ModuleList<VitLayer> layer = registerModule("layer", new ModuleList<>());
    }

    /** A model to train from scratch: Hugging Face's N(0, 0.02) initialisation ({@link TransformerInit}). */
    public VisionTransformer(VitConfig config, RandomGenerator rng) { this(config, rng, true); }

    /** hfInit false skips the initialisation pass (weights about to be loaded). */
    public VisionTransformer(VitConfig config, RandomGenerator rng, boolean hfInit) {
        this.config = config;
        this.embeddings = registerModule("embeddings", new VitEmbeddings(config, rng));
        this.encoder = registerModule("encoder", new Encoder());
        for (int i = 0; i < config.numLayers(); i++) encoder.layer.add(new VitLayer(config, rng));
        this.layernorm = registerModule("layernorm", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
        this.pooler = config.addPooler() ? registerModule("pooler", new Dense(config.hiddenSize(), config.hiddenSize(), rng)) : null;
        if (hfInit) TransformerInit.apply(this, rng);
    }

    public VitConfig config() { return config; }

    private boolean checkpointActivations;

    /**
     * Activation checkpointing of the blocks ({@link ActivationCheckpoint}): while recording a graph, each block keeps
     * only its input and recomputes its forward in the backward. Refused with dropout, whose draws would differ.
     */
    public VisionTransformer checkpointActivations(boolean on) {
        if (on && config.dropout() > 0)
            throw new IllegalArgumentException("activation checkpointing needs a deterministic block forward; this ViT has dropout "
                    + config.dropout() + " (the recomputation would draw other masks)");
        this.checkpointActivations = on;
        return this;
    }

    public boolean checkpointsActivations() { return checkpointActivations; }

    /** Last hidden states [B, 1 + patches, D] and, with a pooler, tanh(Dense(CLS)) [B, D]. */
    public EncoderOutput encode(Var pixels) {
        Var h = forward(pixels);
        return new EncoderOutput(h, pooler == null ? null : pooler.forward(h.select(1, 0)).tanh());
    }

    /** The final patch tokens [B, patches, D] (the last hidden states without CLS), for a Q-Former. */
    public Var patchTokens(Var pixels) { return patchTokensOf(forward(pixels)); }

    /** The patch tokens [B, patches, D] of last hidden states [B, 1 + patches, D]. */
    public static Var patchTokensOf(Var lastHiddenState) {
        return lastHiddenState.narrow(1, 1, lastHiddenState.size(1) - 1);
    }

    /** Last hidden states [B, 1 + patches, D]. */
    public Var forward(Var pixels) {
        Var h = embeddings.forward(pixels);
        for (VitLayer l : encoder.layer)
            h = checkpointActivations ? ActivationCheckpoint.apply("vit block", l::forward, h, l.parameters()) : l.forward(h);
        return layernorm.forward(h);
    }
}
