package dev.elixr.models.qformer;

import dev.elixr.models.transformer.AttentionMasks;
import dev.elixr.tensor.Tensor;

/**
 * The self-attention masks of BLIP-2's three stage-1 objectives (Li et al. 2023, §3.2, figure 2 right), over a sequence
 * of Q queries followed by L text tokens. Row = who attends, column = whom:
 * <pre>
 *        query→query  query→text  text→query  text→text
 *   ITC  yes          no          no          bidirectional   (unimodal: the two never see each other)
 *   ITM  yes          yes         yes         bidirectional   (bi-directional: every position sees every other)
 *   ITG  yes          no          yes         causal          (multimodal causal: text sees all queries and earlier text)
 * </pre>
 * Padded text tokens are never attended to. Masks are additive (0 or {@link AttentionMasks#MASKED}), [B,1,Q+L,Q+L].
 */
public final class QFormerMasks {
    private QFormerMasks() {}

    /** Image-text contrastive learning, image-text matching, image-grounded text generation. */
    public enum Objective { ITC, ITM, ITG }

    public static Tensor build(Objective objective, int queries, TextBatch text) {
        int b = text.batch(), l = text.length(), n = queries + l;
        float[] m = new float[b * n * n];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (!sees(objective, queries, i, j) || (j >= queries && !text.isToken(r, j - queries))) {
                        m[(r * n + i) * n + j] = AttentionMasks.MASKED;
                    }
                }
            }
        }
        return Tensor.of(m, b, 1, n, n);
    }

    /** The text rows of a mask [B,1,Q+L,Q+L]: what the L text positions see of the Q queries and the text, [B,1,L,Q+L]. */
    public static Tensor textRows(Tensor mask, int queries) {
        int n = mask.size(2);
        return mask.narrow(2, queries, n - queries).contiguous();
    }

    private static boolean sees(Objective objective, int queries, int i, int j) {
        boolean fromQuery = i < queries, toQuery = j < queries;
        if (fromQuery && toQuery) return true;
        return switch (objective) {
            case ITC -> fromQuery == toQuery;
            case ITM -> true;
            case ITG -> !fromQuery && (toQuery || j <= i);
        };
    }
}
