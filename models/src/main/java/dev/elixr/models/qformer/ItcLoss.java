package dev.elixr.models.qformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/**
 * Image-text contrastive learning of BLIP-2 (Li et al. 2023, §3.2, ITC), used by ELIXR-B stage 1: the similarity of
 * image i and text j is the highest over the Q query outputs, s(i,j) = max_q z_img[i,q]·z_txt[j] / τ, and the loss is
 * the mean of the cross-entropies image→text and text→image with label smoothing 0.1.
 * <p>
 * Pairs of the batch with the same group id (identical reports, or the same image, as ELIXR-C's duplicate-aware loss and
 * BLIP-2's retrieval fine-tuning with image ids) are not treated as negatives: {@link Duplicates#MASK} leaves them out of
 * the softmax denominator, {@link Duplicates#POSITIVE} makes them extra positives (target (1−ε)/|positives| on each, as
 * BLIP-2 does with image ids). Smoothing ε spreads over the columns that stay in the softmax. Without duplicates both
 * reduce to the plain loss.
 */
public final class ItcLoss {
    private ItcLoss() {}

    public static final float LABEL_SMOOTHING = 0.1f;

    /** What the loss does with a pair whose texts (or images) share a group id. */
    public enum Duplicates { MASK, POSITIVE }

    /**
     * How the Q queries' similarities to a text become the pair's: {@link #MAX}, BLIP-2's max_q z[i,q]·t[j] / τ, or
     * {@link #LOG_SUM_EXP}, its smooth form log Σ_q exp(z[i,q]·t[j] / τ) at the contrastive temperature (a deviation from
     * BLIP-2 for training only: every query gets a gradient in proportion to its softmax weight over the queries, not only
     * the winner; it exceeds the max by at most log Q).
     */
    public enum QueryPooling { MAX, LOG_SUM_EXP }

    /** The loss and the similarities s(i,j) [B,B] (image i, text j, already divided by τ), for hard-negative mining. */
    public record Result(Var loss, Var similarity) {}

    /** s(i,j) = max_q imageFeatures[i,q]·textFeatures[j] / τ, [B,B]; imageFeatures [B,Q,P], textFeatures [B,P], τ a scalar. */
    public static Var similarity(Var imageFeatures, Var textFeatures, Var temperature) {
        return similarity(imageFeatures, textFeatures, temperature, QueryPooling.MAX);
    }

    /** s(i,j) [B,B] over the queries pooled as {@code pooling} says. */
    public static Var similarity(Var imageFeatures, Var textFeatures, Var temperature, QueryPooling pooling) {
        if (imageFeatures.dim() != 3 || textFeatures.dim() != 2 || imageFeatures.size(2) != textFeatures.size(1)) {
            throw new IllegalArgumentException("ITC: image features " + imageFeatures + " must be [B,Q,P] and text features "
                    + textFeatures + " [B,P]");
        }
        int b = imageFeatures.size(0), q = imageFeatures.size(1), p = imageFeatures.size(2);
        Var perQuery = imageFeatures.reshape(b * q, p).matmul(textFeatures.t()).view(b, q, textFeatures.size(0)); // [B,Q,B]
        if (pooling == QueryPooling.MAX) return perQuery.max(1, false).div(temperature);
        Var logits = perQuery.div(temperature);
        Var top = logits.max(1, true).detach();  // log Σ exp(x) = m + log Σ exp(x − m), exact in value and gradient for any constant m
        return logits.sub(top).exp().sum(false, 1).log().add(top.view(b, textFeatures.size(0)));
    }

    /** Plain ITC: every other pair of the batch is a negative. */
    public static Result loss(Var imageFeatures, Var textFeatures, Var temperature) {
        return loss(imageFeatures, textFeatures, temperature, null, Duplicates.MASK);
    }

    /** ITC with group ids [B] (null: all distinct). */
    public static Result loss(Var imageFeatures, Var textFeatures, Var temperature, long[] groups, Duplicates duplicates) {
        return loss(imageFeatures, textFeatures, temperature, groups, duplicates, QueryPooling.MAX);
    }

    /** ITC with group ids [B] (null: all distinct), the queries pooled as {@code pooling} says. */
    public static Result loss(Var imageFeatures, Var textFeatures, Var temperature, long[] groups, Duplicates duplicates, QueryPooling pooling) {
        Var s = similarity(imageFeatures, textFeatures, temperature, pooling);
        int b = s.size(0);
        if (s.size(1) != b) throw new IllegalArgumentException("ITC: " + b + " images for " + s.size(1) + " texts");
        if (groups != null && groups.length != b) throw new IllegalArgumentException("ITC: " + groups.length + " group ids for a batch of " + b);
        Var imageToText = direction(s, groups, duplicates);
        Var textToImage = direction(s.t().contiguous(), groups, duplicates);
        return new Result(imageToText.add(textToImage).mul(0.5f), s);
    }

    /** Mean over rows of the smoothed cross-entropy of logits [B,B] with row i's target at column i. */
    static Var direction(Var logits, long[] groups, Duplicates duplicates) {
        int b = logits.size(0);
        int[] targets = new int[b];
        for (int i = 0; i < b; i++) targets[i] = i;
        if (!hasDuplicates(groups)) return Functional.crossEntropy(logits, targets, LABEL_SMOOTHING, Integer.MIN_VALUE);
        float[] q = new float[b * b], masked = new float[b * b];
        for (int i = 0; i < b; i++) {
            int same = 0;
            for (int j = 0; j < b; j++) if (groups[i] == groups[j]) same++;
            int columns = duplicates == Duplicates.MASK ? b - same + 1 : b;
            for (int j = 0; j < b; j++) {
                boolean duplicate = j != i && groups[i] == groups[j];
                if (duplicates == Duplicates.MASK && duplicate) {
                    masked[i * b + j] = 1;
                    continue;
                }
                float positive = duplicates == Duplicates.POSITIVE ? (groups[i] == groups[j] ? 1f / same : 0f) : (j == i ? 1f : 0f);
                q[i * b + j] = (1 - LABEL_SMOOTHING) * positive + LABEL_SMOOTHING / columns;
            }
        }
        Var l = duplicates == Duplicates.MASK ? logits.maskedFill(Tensor.wrap(masked, b, b), MASKED) : logits;
        return l.logSoftmax(1).mul(Var.of(Tensor.wrap(q, b, b).to(logits.value().device()))).sumAll().mul(-1f / b);
    }

    /** The logit of a masked pair: its exponential underflows to 0 next to any real one (|s| ≤ 1/τ ≤ 1000). */
    static final float MASKED = -1e9f;

    private static boolean hasDuplicates(long[] groups) {
        if (groups == null) return false;
        for (int i = 0; i < groups.length; i++) for (int j = i + 1; j < groups.length; j++) if (groups[i] == groups[j]) return true;
        return false;
    }
}
