package dev.elixr.models.elixr;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

import java.util.Arrays;

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

    /**
     * The symmetric InfoNCE loss with duplicate-aware targets and optional queued negatives (issue: CXR reports repeat).
     * Row i of image→text scores image i against the batch's texts followed by the queue's texts; text→image likewise.
     * Pairs i ≠ j with {@code groups[i] == group(j)} are duplicates: {@link DuplicatePolicy#MASK} removes them from the
     * softmax denominator, {@link DuplicatePolicy#POSITIVE} spreads the target uniformly over i and its duplicates,
     * {@link DuplicatePolicy#NONE} keeps them as negatives. With no queue and NONE this is {@link #loss(Var, Var, Var, float)}.
     */
    public static Var loss(Var images, Var texts, Var logScale, float maxScale, long[] groups, DuplicatePolicy policy, NegativeQueue queue) {
        checkShapes(images, texts);
        int b = images.size(0);
        if (groups.length != b) throw new IllegalArgumentException("ClipLoss: " + groups.length + " duplicate groups for a batch of " + b);
        boolean queued = queue != null && queue.size() > 0;
        if (!queued && policy == DuplicatePolicy.NONE) return loss(images, texts, logScale, maxScale);
        Var textBank = queued ? Functional.concat(0, texts, Var.of(queue.texts())) : texts;
        Var imageBank = queued ? Functional.concat(0, images, Var.of(queue.images())) : images;
        long[] bankGroups = queued ? concat(groups, queue.groups()) : groups;
        Var s = scale(logScale, maxScale);
        Var imageToText = direction(images.matmul(textBank.t()).mul(s), groups, bankGroups, policy);
        Var textToImage = direction(texts.matmul(imageBank.t()).mul(s), groups, bankGroups, policy);
        return imageToText.add(textToImage).mul(0.5f);
    }

    /** Mean cross-entropy of one direction's logits [B, B+Q] with row i's target at column i (and its duplicates). */
    static Var direction(Var logits, long[] groups, long[] bankGroups, DuplicatePolicy policy) {
        int b = groups.length, n = bankGroups.length;
        int[] targets = new int[b];
        for (int i = 0; i < b; i++) targets[i] = i;
        if (policy == DuplicatePolicy.NONE) return Functional.crossEntropy(logits, targets);
        float[] m = new float[b * n];
        boolean any = false;
        for (int i = 0; i < b; i++)
            for (int j = 0; j < n; j++)
                if (j != i && groups[i] == bankGroups[j]) { m[i * n + j] = 1; any = true; }
        if (policy == DuplicatePolicy.MASK)
            return Functional.crossEntropy(any ? logits.maskedFill(Tensor.wrap(m, b, n).to(logits.value().device()), MASKED) : logits, targets);
        float[] q = new float[b * n]; // POSITIVE: uniform soft targets over i and its duplicates
        for (int i = 0; i < b; i++) {
            int count = 1;
            for (int j = 0; j < n; j++) count += (int) m[i * n + j];
            for (int j = 0; j < n; j++) if (j == i || m[i * n + j] == 1) q[i * n + j] = 1f / count;
        }
        return logits.logSoftmax(1).mul(Var.of(Tensor.wrap(q, b, n).to(logits.value().device()))).sumAll().mul(-1f / b);
    }

    /** The logit given to masked pairs: exp of it underflows to 0 next to any real logit (|logit| ≤ maxScale). */
    static final float MASKED = -1e9f;

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void checkShapes(Var images, Var texts) {
        if (images.dim() != 2 || texts.dim() != 2 || images.size(0) != texts.size(0) || images.size(1) != texts.size(1))
            throw new IllegalArgumentException("ClipLoss: image embeddings " + Arrays.toString(images.shape())
                    + " and text embeddings " + Arrays.toString(texts.shape()) + " must both be [B,E] with equal B and E");
    }
}
