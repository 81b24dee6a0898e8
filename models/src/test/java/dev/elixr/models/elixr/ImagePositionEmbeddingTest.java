package dev.elixr.models.elixr;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.models.qformer.QFormer;
import dev.elixr.models.qformer.QFormerConfig;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cross-attention is blind to the order of the tower's tokens; the image position embedding is what lets the queries see it. */
class ImagePositionEmbeddingTest {
    static final QFormerConfig CONFIG = QFormerConfig.tiny(8, 20, 19).withDropout(0f);

    /** Tokens [1,4,8] and the same tokens with the first two swapped. */
    static Var[] tokensAndSwapped() {
        float[] t = Tensor.randn(3, 1, 4, 8).toFloatArray(), s = t.clone();
        for (int c = 0; c < 8; c++) { s[c] = t[8 + c]; s[8 + c] = t[c]; }
        return new Var[] {Var.of(Tensor.wrap(t, 1, 4, 8)), Var.of(Tensor.wrap(s, 1, 4, 8))};
    }

    static double maxDifference(ElixrB m) {
        Var[] v = tokensAndSwapped();
        try (var g = GradMode.noGrad()) {
            float[] a = m.queryOutputs(v[0]).value().toFloatArray(), b = m.queryOutputs(v[1]).value().toFloatArray();
            double d = 0;
            for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
            return d;
        }
    }

    @Test
    void withoutPositionsSwappingTwoImageTokensLeavesTheQueryOutputsUnchanged() {
        ElixrB m = ElixrB.create(CONFIG, QFormer.Initialisation.FAN_IN, new SplittableRandom(2), 0);
        m.eval();
        assertTrue(maxDifference(m) < 1e-5, "difference " + maxDifference(m));
    }

    @Test
    void withPositionsSwappingTwoImageTokensChangesTheQueryOutputs() {
        ElixrB m = ElixrB.create(CONFIG, QFormer.Initialisation.FAN_IN, new SplittableRandom(2), 4);
        m.eval();
        assertEquals(4, m.imagePositions());
        assertTrue(maxDifference(m) > 1e-2, "difference " + maxDifference(m));
        assertTrue(m.namedParameters().containsKey("image_position_embeddings"));
    }

    @Test
    void sinCosOnASquareGridGivesRowThenColumnEncodings() {
        float[] e = ImagePositionEmbedding.sinCos(4, 8).toFloatArray();
        // token 3 is row 1, column 1: first half encodes the row, second the column, each sin(p·ω) then cos(p·ω), ω = 1, 0.01
        float[] expected = {(float) Math.sin(1), (float) Math.sin(0.01), (float) Math.cos(1), (float) Math.cos(0.01),
                (float) Math.sin(1), (float) Math.sin(0.01), (float) Math.cos(1), (float) Math.cos(0.01)};
        for (int c = 0; c < 8; c++) assertEquals(expected[c], e[3 * 8 + c], 1e-6, "channel " + c);
        // token 2 is row 1, column 0
        assertEquals((float) Math.sin(1), e[2 * 8], 1e-6);
        assertEquals(0f, e[2 * 8 + 4], 1e-6);
    }

    @Test
    void tokensOfAnotherCountAreRefusedNamingBoth() {
        ElixrB m = ElixrB.create(CONFIG, QFormer.Initialisation.FAN_IN, new SplittableRandom(2), 4);
        var e = assertThrows(IllegalArgumentException.class, () -> m.queryOutputs(Var.of(Tensor.randn(1, 1, 5, 8))));
        assertTrue(e.getMessage().contains("[1, 5, 8]") || e.getMessage().contains("[1,5,8]"), e.getMessage());
        assertTrue(e.getMessage().contains("for 4 tokens"), e.getMessage());
    }
}
