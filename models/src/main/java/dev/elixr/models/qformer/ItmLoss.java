package dev.elixr.models.qformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.models.text.LengthGroups;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * Image-text matching of BLIP-2 (Li et al. 2023, §3.2, ITM; hard-negative mining after ALBEF, Li et al. 2021, §3.2):
 * queries and text see each other fully (the ITM mask), the ITM head scores every query output and the logits are their
 * mean over queries; cross-entropy over 3B pairs: each (image, text) positive, each text with a hard negative image, each
 * image with a hard negative text, labelled 1, 0, 0 (class 1 = match).
 */
public final class ItmLoss {
    private ItmLoss() {}

    /** BLIP-2's floor added to the sampling weights so that every non-positive candidate can be drawn. */
    public static final double WEIGHT_FLOOR = 1e-4;

    /** imageForText[j]: the negative image paired with text j; textForImage[i]: the negative text paired with image i. */
    public record Negatives(int[] imageForText, int[] textForImage) {
        public Negatives {
            if (imageForText.length != textForImage.length) throw new IllegalArgumentException("ITM negatives: "
                    + imageForText.length + " images for texts and " + textForImage.length + " texts for images");
            imageForText = imageForText.clone();
            textForImage = textForImage.clone();
        }

        @Override public int[] imageForText() { return imageForText.clone(); }

        @Override public int[] textForImage() { return textForImage.clone(); }
    }

    /**
     * Hard negatives drawn from the ITC similarities s [B,B] (image i, text j): for text j an image with probability
     * ∝ softmax_i(s[·,j]) + 1e-4, for image i a text ∝ softmax_j(s[i,·]) + 1e-4; the positive, and pairs of the same group
     * (null: none), get weight 0. Texts first, then images, each in batch order, from rng.
     */
    public static Negatives hardNegatives(Tensor similarity, long[] groups, RandomGenerator rng) {
        int b = similarity.size(0);
        if (similarity.dim() != 2 || similarity.size(1) != b) {
            throw new IllegalArgumentException("ITM: similarities " + java.util.Arrays.toString(similarity.shape()) + " must be [B,B]");
        }
        if (b < 2) throw new IllegalArgumentException("ITM needs a batch of at least 2 to draw negatives, got " + b);
        float[] s = similarity.toCpu().contiguous().toFloatArray();
        int[] imageForText = new int[b], textForImage = new int[b];
        for (int j = 0; j < b; j++) imageForText[j] = draw(s, b, j, false, groups, rng);
        for (int i = 0; i < b; i++) textForImage[i] = draw(s, b, i, true, groups, rng);
        return new Negatives(imageForText, textForImage);
    }

    /** One index drawn for row (byRow: s[row,·], else the column s[·,row]). */
    private static int draw(float[] s, int b, int row, boolean byRow, long[] groups, RandomGenerator rng) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < b; k++) max = Math.max(max, s[byRow ? row * b + k : k * b + row]);
        double[] w = new double[b];
        double z = 0;
        for (int k = 0; k < b; k++) z += w[k] = Math.exp(s[byRow ? row * b + k : k * b + row] - max);
        boolean groupsLeaveSome = groups != null && anyOtherGroup(groups, row);
        double total = 0;
        for (int k = 0; k < b; k++) {
            boolean excluded = k == row || (groupsLeaveSome && groups[k] == groups[row]);
            w[k] = excluded ? 0 : w[k] / z + WEIGHT_FLOOR;
            total += w[k];
        }
        double u = rng.nextDouble() * total;
        int last = -1;
        for (int k = 0; k < b; k++) {
            if (w[k] == 0) continue;
            last = k;
            u -= w[k];
            if (u < 0) return k;
        }
        return last;
    }

    private static boolean anyOtherGroup(long[] groups, int row) {
        for (long g : groups) if (g != groups[row]) return true;
        return false;
    }

    /** The ITM loss of image tokens [B,T,Dc] and texts with the given negatives (see {@link #hardNegatives}). */
    public static Var loss(QFormer model, Var image, TextBatch text, Negatives negatives) {
        return loss(model, image, text, negatives, LengthGroups.GROUP_COST);
    }

    /** As {@link #loss(QFormer, Var, TextBatch, Negatives)}, the pairs grouped with this {@link LengthGroups} cost. */
    public static Var loss(QFormer model, Var image, TextBatch text, Negatives negatives, int groupCost) {
        return Functional.crossEntropy(logits(model, image, text, negatives, groupCost), labels(text.batch()));
    }

    /**
     * The ITM logits [3B,2] of the positive pairs, the texts with negative images, and the images with negative texts;
     * the pairs pass in {@link LengthGroups} of their texts (a pair's logits depend on nothing else in the batch).
     */
    public static Var logits(QFormer model, Var image, TextBatch text, Negatives negatives) {
        return logits(model, image, text, negatives, LengthGroups.GROUP_COST);
    }

    /** As {@link #logits(QFormer, Var, TextBatch, Negatives)}, the pairs grouped with this {@link LengthGroups} cost. */
    public static Var logits(QFormer model, Var image, TextBatch text, Negatives negatives, int groupCost) {
        int b = text.batch();
        if (image.size(0) != b || negatives.imageForText.length != b) {
            throw new IllegalArgumentException("ITM: " + image.size(0) + " images, " + b + " texts and "
                    + negatives.imageForText.length + " negatives must agree");
        }
        int[] textRows = new int[3 * b], imageRows = new int[3 * b];
        for (int i = 0; i < b; i++) {
            textRows[i] = i;
            imageRows[i] = i;
            textRows[b + i] = i;
            imageRows[b + i] = negatives.imageForText[i];
            textRows[2 * b + i] = negatives.textForImage[i];
            imageRows[2 * b + i] = i;
        }
        TextBatch texts = text.rows(textRows);
        LengthGroups groups = texts.lengthGroups(groupCost);  // each group of pairs padded to its longest text
        Var[] parts = new Var[groups.count()];
        for (int g = 0; g < parts.length; g++) {
            int[] pairs = groups.rows(g), images = new int[pairs.length];
            for (int i = 0; i < pairs.length; i++) images[i] = imageRows[pairs[i]];
            parts[g] = pairLogits(model, Functional.rows(image, images), texts.rows(pairs, groups.length(g)));
        }
        return groups.inBatchOrder(parts);
    }

    private static Var pairLogits(QFormer model, Var images, TextBatch texts) {
        Tensor mask = QFormerMasks.build(QFormerMasks.Objective.ITM, model.config().queries().count(), texts);
        return model.itmLogits(model.jointQueryPass(images, texts, mask));
    }

    /** 1 for the B positives, 0 for the 2B negatives. */
    public static int[] labels(int b) {
        int[] y = new int[3 * b];
        for (int i = 0; i < b; i++) y[i] = 1;
        return y;
    }
}
