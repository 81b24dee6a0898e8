package dev.elixr.models.elixr;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * ELIXR-C (Xu et al. 2023, section 2.1): an image tower and a text tower, each followed by a linear projection into
 * a shared space and L2 normalisation, trained with the CLIP loss and a learnable temperature (init 0.07).
 * Parameters: {@code image_encoder.*}, {@code text_encoder.*}, {@code image_projection.*},
 * {@code text_projection.*}, {@code logit_scale} (log 1/τ).
 */
public final class ElixrC extends Module {
    private final ElixrCConfig config;
    private final ImageTower imageEncoder;
    private final TextTower textEncoder;
    private final Linear imageProjection;
    private final Linear textProjection;
    private final Parameter logitScale;

    public ElixrC(ElixrCConfig config, RandomGenerator rng) {
        this.config = config;
        this.imageEncoder = registerModule("image_encoder", config.image().build(rng));
        this.textEncoder = registerModule("text_encoder", new TextTower(config.text().bertConfig(), rng));
        this.imageProjection = registerModule("image_projection", new Linear(imageEncoder.featureDim(), config.embedDim(), false, rng));
        this.textProjection = registerModule("text_projection", new Linear(textEncoder.featureDim(), config.embedDim(), false, rng));
        this.logitScale = registerParameter("logit_scale", Tensor.scalar((float) Math.log(1 / config.temperature().init())));
    }

    public ElixrCConfig config() {
        return config;
    }

    public ImageTower imageEncoder() {
        return imageEncoder;
    }

    public TextTower textEncoder() {
        return textEncoder;
    }

    public Parameter logitScale() {
        return logitScale;
    }

    /** The current temperature τ = 1 / clamped scale. */
    public double temperature() {
        return 1.0 / ClipLoss.scale(logitScale, config.temperature().maxScale()).item();
    }

    /** Image-tower features [B,F] (before the projection: what the probes use). */
    public Var imageFeatures(Var pixels) {
        return imageEncoder.features(pixels);
    }

    /** L2-normalised image embeddings [B,E] from grey pixels [B,1,H,W]. */
    public Var embedImages(Var pixels) {
        return Functional.l2Normalize(imageProjection.forward(imageEncoder.features(pixels)), 1);
    }

    /** L2-normalised text embeddings [B,E] of a batch of tokenised texts. */
    public Var embedTexts(TokenBatch tokens) {
        return Functional.l2Normalize(textProjection.forward(textEncoder.features(tokens)), 1);
    }

    /** One contrastive step's loss and the embeddings it compared (the negative queue stores them afterwards). */
    public record Contrast(Var loss, Var images, Var texts) {}

    /** The duplicate-aware CLIP loss of a batch, with queued negatives when a queue is given ({@link ClipLoss}). */
    public Contrast contrast(Var pixels, TokenBatch tokens, long[] groups, DuplicatePolicy policy, NegativeQueue queue) {
        Var u = embedImages(pixels), v = embedTexts(tokens);
        return new Contrast(ClipLoss.loss(u, v, logitScale, config.temperature().maxScale(), groups, policy, queue), u, v);
    }

    /** The CLIP loss of a batch of matching image-report pairs. */
    public Var loss(Var pixels, TokenBatch tokens) {
        return ClipLoss.loss(embedImages(pixels), embedTexts(tokens), logitScale, config.temperature().maxScale());
    }
}
