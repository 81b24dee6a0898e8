package dev.elixr.models.qformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.models.text.LengthGroups;

/**
 * Image-grounded text generation of BLIP-2 (Li et al. 2023, §3.2, ITG): the first text token is replaced by [DEC]; each
 * text token attends to all queries and causally to earlier text (the queries' keys and values are those of the query
 * pass, reused — {@link QFormer#decoderPass}); next-token cross-entropy with label smoothing 0.1 over the text, padding
 * ignored, averaged over the predicted tokens of the batch. The texts pass in {@link LengthGroups}, each group padded to
 * its own longest (a text's logits depend on its image's queries and its own earlier tokens only).
 */
public final class ItgLoss {
    private ItgLoss() {}

    public static final float LABEL_SMOOTHING = 0.1f;
    private static final int IGNORE = -100;

    public static Var loss(QFormer model, QueryOutput queries, TextBatch text) {
        return loss(model, queries, text, LengthGroups.GROUP_COST);
    }

    /** As {@link #loss(QFormer, QueryOutput, TextBatch)}, the texts grouped with this {@link LengthGroups} cost. */
    public static Var loss(QFormer model, QueryOutput queries, TextBatch text, int groupCost) {
        int l = text.length();
        if (l < 2) throw new IllegalArgumentException("ITG needs texts of at least 2 tokens ([DEC] and one to predict), got " + l);
        TextBatch decoder = text.withFirstToken(model.config().text().decTokenId());
        LengthGroups groups = decoder.lengthGroups(groupCost);
        if (groups.isWholeBatch(l)) return Functional.crossEntropy(predicted(model, queries, decoder), targets(decoder), LABEL_SMOOTHING, IGNORE);
        Var[] logits = new Var[groups.count()];
        int[][] targets = new int[groups.count()][];
        for (int g = 0; g < logits.length; g++) {
            int[] rows = groups.rows(g);
            TextBatch part = decoder.rows(rows, groups.length(g));
            logits[g] = predicted(model, queries.rows(rows), part);
            targets[g] = targets(part);
        }
        return Functional.crossEntropy(Functional.concat(0, logits), concat(targets), LABEL_SMOOTHING, IGNORE);
    }

    /** The next-token logits of positions 0 … L−2 of every row, [B·(L−1),V]. */
    private static Var predicted(QFormer model, QueryOutput queries, TextBatch decoder) {
        int b = decoder.batch(), l = decoder.length();
        Var logits = model.lmLogits(model.decoderPass(queries, decoder)); // [B,L,V]
        return logits.narrow(1, 0, l - 1).reshape(b * (l - 1), logits.size(2));
    }

    private static int[] concat(int[][] parts) {
        int[] out = new int[java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (int[] p : parts) { System.arraycopy(p, 0, out, at, p.length); at += p.length; }
        return out;
    }

    /** Token t+1 of every row as the target of position t; padding ignored. */
    static int[] targets(TextBatch t) {
        int b = t.batch(), l = t.length();
        int[] y = new int[b * (l - 1)];
        for (int r = 0; r < b; r++)
            for (int p = 1; p < l; p++) y[r * (l - 1) + p - 1] = t.isToken(r, p) ? t.id(r, p) : IGNORE;
        return y;
    }
}
