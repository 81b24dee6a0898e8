package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;
import dev.elixr.models.qformer.QFormerConfig;
import dev.elixr.models.qformer.TextBatch;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElixrBTest {
    @Test
    void convTowerSpatialTokensAreTheLastFeatureMapFlattenedRowMajor() {
        var tower = new ConvTower(32, new int[] {4, 8}, 1, 16, new SplittableRandom(1));
        tower.eval();
        Var tokens = tower.spatialTokens(Var.of(Tensor.rand(2, 3, 1, 32, 32)));
        assertArrayEquals(new int[] {3, 64, 8}, tokens.shape(), "32×32 through two stride-2 stages: 8×8 tokens of the last width 8");
    }

    @Test
    void vitTowerSpatialTokensAreThePatchTokens() {
        var tower = new VitTower(16, 4, 8, 1, 2, new SplittableRandom(1));
        assertArrayEquals(new int[] {2, 16, 8}, tower.spatialTokens(Var.of(Tensor.rand(3, 2, 1, 16, 16))).shape());
    }

    @Test
    void stageOneLossIsFiniteAndReachesLnVisionAndTheQueryTokens() {
        QFormerConfig cfg = QFormerConfig.tiny(8, 20, 19).withDropout(0f);
        ElixrB model = ElixrB.create(cfg, new SplittableRandom(2));
        int b = 3, l = 5;
        int[] ids = new int[b * l];
        for (int i = 0; i < ids.length; i++) ids[i] = 1 + i % 17;
        var terms = model.loss(Var.of(Tensor.randn(4, b, 6, 8)), TextBatch.of(ids, b, l), null, new SplittableRandom(5));
        double total = terms.total().item();
        assertTrue(Double.isFinite(total) && total > 0, "loss " + total);
        terms.total().backward();
        assertNotNull(model.namedParameters().get("ln_vision.weight").grad(), "ln_vision is trained");
        assertNotNull(model.namedParameters().get("qformer.query_tokens").grad(), "the queries are trained");
        assertArrayEquals(new int[] {b, 8, 32}, model.embedImages(Var.of(Tensor.randn(4, b, 6, 8))).shape(), "[B,Q,P]");
        assertEquals(32, model.embedTexts(TextBatch.of(ids, b, l)).shape()[1]);
    }

    @Test
    void itmMatchLogitsAreTheMatchColumnOfTheItmLossLogitsOfThePositivePairs() {
        QFormerConfig cfg = QFormerConfig.tiny(8, 20, 19).withDropout(0f);
        ElixrB model = ElixrB.create(cfg, new SplittableRandom(2));
        model.eval();
        int b = 3, l = 5;
        int[] ids = new int[b * l];
        for (int i = 0; i < ids.length; i++) ids[i] = 1 + (i * 7) % 17;
        Tensor tokens = Tensor.randn(4, b, 6, 8);
        TextBatch text = TextBatch.of(ids, b, l);
        float[] match = model.itmMatchLogits(Var.of(tokens), text).value().toFloatArray();
        var negatives = new dev.elixr.models.qformer.ItmLoss.Negatives(new int[] {1, 2, 0}, new int[] {2, 0, 1});
        float[] logits = dev.elixr.models.qformer.ItmLoss.logits(model.qformer(), model.imageTokens(Var.of(tokens)), text, negatives)
                .value().contiguous().toFloatArray();
        assertEquals(b, match.length);
        for (int i = 0; i < b; i++) assertEquals(logits[2 * i + 1], match[i], 1e-5f, "pair " + i);
    }
}
