package dev.elixr.models.elixr;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;

/**
 * The CLIP loss (Radford et al. 2021, figure 3; ELIXR section 2.1, ELIXR-C): logits = s · u vᵀ for L2-normalised
 * image embeddings u [B,E] and text embeddings v [B,E], s = 1/τ the learnable logit scale; the mean of the
 * cross-entropies image→text (rows) and text→image (columns) with the matching pair as the target.
 * The scale is learned as log s and clamped to [0, log maxScale] (τ ≥ 1/maxScale; CLIP uses 100).
 */
public final class ClipLoss {
    private ClipLoss() {}

    /** log(1/0.07): CLIP's and ELIXR's initial temperature τ = 0.07. */
    public static final float INIT_LOG_SCALE = (float) Math.log(1 / 0.07);

    /** The default clamp of the logit scale: τ ≥ 0.01. */
    public static final float MAX_SCALE = 100f;

    /** The clamped logit scale s = exp(clamp(logScale, 0, log maxScale)) as a differentiable scalar. */
    public static Var scale(Var logScale, float maxScale) {
        return logScale.clamp(0f, (float) Math.log(maxScale)).exp();
    }

    /** Image-text similarity logits [B,B]: s · u vᵀ. */
    public static Var logits(Var images, Var texts, Var logScale, float maxScale) {
        checkShapes(images, texts);
        return images.matmul(texts.t()).mul(scale(logScale, maxScale));
    }

    /** The symmetric InfoNCE loss over the batch. */
    public static Var loss(Var images, Var texts, Var logScale, float maxScale) {
        Var logits = logits(images, texts, logScale, maxScale);
        int b = images.size(0);
        int[] targets = new int[b];
        for (int i = 0; i < b; i++) targets[i] = i;
        Var imageToText = Functional.crossEntropy(logits, targets);
        Var textToImage = Functional.crossEntropy(logits.t().contiguous(), targets);
        return imageToText.add(textToImage).mul(0.5f);
    }

    private static void checkShapes(Var images, Var texts) {
        if (images.dim() != 2 || texts.dim() != 2 || images.size(0) != texts.size(0) || images.size(1) != texts.size(1))
            throw new IllegalArgumentException("ClipLoss: image embeddings " + java.util.Arrays.toString(images.shape())
                    + " and text embeddings " + java.util.Arrays.toString(texts.shape()) + " must both be [B,E] with equal B and E");
    }
}
