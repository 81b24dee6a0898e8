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
    void itcOnTheFirstQueriesEmbedsImagesAsTheFirstQueriesProjectionsAndTheOthersStillLearnThroughItmAndItg() {
        QFormerConfig cfg = QFormerConfig.tiny(8, 20, 19).withDropout(0f);
        ElixrB all = ElixrB.create(cfg, dev.elixr.models.qformer.QFormer.Initialisation.FAN_IN, new SplittableRandom(2), 0, 0,
                dev.elixr.models.qformer.TextPooling.CLS);
        ElixrB two = ElixrB.create(cfg, dev.elixr.models.qformer.QFormer.Initialisation.FAN_IN, new SplittableRandom(2), 0, 0,
                dev.elixr.models.qformer.TextPooling.CLS, false, 2);
        assertEquals(8, all.itcQueries());
        assertEquals(2, two.itcQueries());
        Tensor tokens = Tensor.randn(4, 3, 6, 8);
        float[] full = all.embedImages(Var.of(tokens)).value().toFloatArray();  // [3,8,32], same weights (same seed)
        Var firstTwo = two.embedImages(Var.of(tokens));
        assertArrayEquals(new int[] {3, 2, 32}, firstTwo.shape(), "[B,K,P]");
        float[] got = firstTwo.value().toFloatArray();
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 2 * 32; k++) assertEquals(full[i * 8 * 32 + k], got[i * 2 * 32 + k], 1e-6f, "image " + i + ", element " + k);
        int b = 3, l = 5;
        int[] ids = new int[b * l];
        for (int i = 0; i < ids.length; i++) ids[i] = 1 + i % 17;
        var terms = two.loss(Var.of(tokens), TextBatch.of(ids, b, l), null, new SplittableRandom(5));
        terms.itc().backward();
        float[] g = two.namedParameters().get("qformer.query_tokens").grad().toFloatArray();  // [1,8,64]
        double last = 0;
        for (int k = 7 * 64; k < 8 * 64; k++) last += Math.abs(g[k]);
        assertTrue(last > 0, "ITC on the first two queries still reaches query 7 through self-attention: " + last);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ElixrB.create(cfg,
                dev.elixr.models.qformer.QFormer.Initialisation.FAN_IN, new SplittableRandom(2), 0, 0, dev.elixr.models.qformer.TextPooling.CLS, false, 9));
        assertTrue(e.getMessage().contains("ITC on 9 queries of the Q-Former's 8"), e.getMessage());
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
