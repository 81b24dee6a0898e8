package dev.elixr.models.qformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;

/**
 * Image-grounded text generation of BLIP-2 (Li et al. 2023, §3.2, ITG): the first text token is replaced by [DEC]; each
 * text token attends to all queries and causally to earlier text (the queries' keys and values are those of the query
 * pass, reused — {@link QFormer#decoderPass}); next-token cross-entropy with label smoothing 0.1 over the text, padding
 * ignored, averaged over the predicted tokens of the batch.
 */
public final class ItgLoss {
    private ItgLoss() {}

    public static final float LABEL_SMOOTHING = 0.1f;
    private static final int IGNORE = -100;

    public static Var loss(QFormer model, QueryOutput queries, TextBatch text) {
        int b = text.batch(), l = text.length();
        if (l < 2) throw new IllegalArgumentException("ITG needs texts of at least 2 tokens ([DEC] and one to predict), got " + l);
        TextBatch decoder = text.withFirstToken(model.config().text().decTokenId());
        Var logits = model.lmLogits(model.decoderPass(queries, decoder)); // [B,L,V]
        int v = logits.size(2);
        Var predicted = logits.narrow(1, 0, l - 1).reshape(b * (l - 1), v);
        return Functional.crossEntropy(predicted, targets(decoder), LABEL_SMOOTHING, IGNORE);
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
