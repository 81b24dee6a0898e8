package dev.elixr.models.softprompt;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.check.GradCheck;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.models.llm.CausalLmLoss;
import dev.elixr.models.qformer.LanguageProjection;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.elixr.models.softprompt.SoftPromptFixtures.IMAGE_WIDTH;
import static dev.elixr.models.softprompt.SoftPromptFixtures.QUERIES;
import static dev.elixr.models.softprompt.SoftPromptFixtures.VOCAB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VisionLanguageModelTest {
    private static final Tensor TOWER = Tensor.randn(21, 2, 5, IMAGE_WIDTH);

    private static SoftPromptBatch batch(int pad, int answerToken) {
        return SoftPromptBatch.of(List.of(new int[] {1, 5, 6, 7}, new int[] {1, 9}), List.of(new int[] {answerToken, 4, 2}, new int[] {8, 2}), QUERIES, pad);
    }

    @Test
    void logitsCoverSoftPromptAndTextPositions() {
        var m = SoftPromptFixtures.model(LanguageProjection.Kind.LINEAR, false);
        assertArrayEquals(new int[] {2, QUERIES + 7, VOCAB}, m.logits(Var.of(TOWER), batch(0, 3)).shape());
        assertArrayEquals(new int[] {2, QUERIES, 12}, m.softPrompt(Var.of(TOWER)).shape());
    }

    @Test
    void lossIsTheMeanCrossEntropyOverAnswerTokensOnly() {
        var m = SoftPromptFixtures.model(LanguageProjection.Kind.MLP, false);
        SoftPromptBatch b = batch(0, 3);
        float[] logits = m.logits(Var.of(TOWER), b).value().toFloatArray();
        double sum = 0;
        int n = 0;
        int full = b.fullLength();
        for (int q = 0; q < b.labels().length; q++) {
            if (b.labels()[q] == SoftPromptBatch.IGNORE) continue;
            int p = q - 1; // the position that predicts the label at q
            assertTrue(q % full != 0);
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int v = 0; v < VOCAB; v++) max = Math.max(max, logits[p * VOCAB + v]);
            for (int v = 0; v < VOCAB; v++) z += Math.exp(logits[p * VOCAB + v] - max);
            sum += max + Math.log(z) - logits[p * VOCAB + b.labels()[q]];
            n++;
        }
        assertEquals(5, n);
        assertEquals(sum / n, m.loss(Var.of(TOWER), b).item(), 1e-5);
    }

    @Test
    void lengthGroupsGiveTheWholeBatchLossAndAdapterGradients() {
        // rows of 3, 9 and 5 text positions: a group cost of 0 runs each row alone, one no batch can pay the whole batch
        List<int[]> prompts = List.of(new int[] {1}, new int[] {1, 5, 6, 7, 9, 10, 11}, new int[] {1, 5, 6});
        List<int[]> answers = List.of(new int[] {3, 2}, new int[] {8, 2}, new int[] {4, 2});
        SoftPromptBatch b = SoftPromptBatch.of(prompts, answers, QUERIES, 0);
        assertEquals(3, dev.elixr.models.text.LengthGroups.ofExtents(new int[] {b.extent(0), b.extent(1), b.extent(2)}, b.fullLength(), 0).count());
        Tensor tower = Tensor.randn(22, 3, 5, IMAGE_WIDTH);
        var m = SoftPromptFixtures.model(LanguageProjection.Kind.MLP, false);
        Var whole = m.loss(Var.of(tower), b, Integer.MAX_VALUE);
        whole.backward();
        Map<String, float[]> wholeGrads = new java.util.HashMap<>();
        for (var e : m.namedParameters().entrySet()) if (e.getValue().grad() != null) wholeGrads.put(e.getKey(), e.getValue().grad().toFloatArray());
        m.zeroGrad();
        Var grouped = m.loss(Var.of(tower), b, 0);
        grouped.backward();
        assertEquals(whole.item(), grouped.item(), 1e-6);
        assertTrue(!wholeGrads.isEmpty());
        for (var e : wholeGrads.entrySet()) {
            float[] g = m.namedParameters().get(e.getKey()).grad().toFloatArray();
            for (int i = 0; i < g.length; i++) assertEquals(e.getValue()[i], g[i], 1e-6, e.getKey() + "[" + i + "]");
        }
    }

    @Test
    void queryOutputsComputedBeforehandGiveTheBitsOfTheLossAndAdapterGradients() {
        var m = SoftPromptFixtures.model(LanguageProjection.Kind.MLP, false);
        assertTrue(m.queryOutputsFixed());
        Var direct = m.loss(Var.of(TOWER), batch(0, 3));
        direct.backward();
        Map<String, float[]> grads = new java.util.HashMap<>();
        for (var e : m.namedParameters().entrySet()) if (e.getValue().grad() != null) grads.put(e.getKey(), e.getValue().grad().toFloatArray());
        m.zeroGrad();
        Var cached = m.lossOfQueryOutputs(m.queryOutputsOf(TOWER), batch(0, 3));
        cached.backward();
        assertEquals(Float.floatToIntBits(direct.item()), Float.floatToIntBits(cached.item()));
        assertTrue(grads.keySet().stream().allMatch(k -> k.startsWith("language_projection.")) && !grads.isEmpty(), grads.keySet().toString());
        for (var e : grads.entrySet()) assertArrayEquals(e.getValue(), m.namedParameters().get(e.getKey()).grad().toFloatArray(), e.getKey());
    }

    @Test
    void shardsSharesOfTheLossAddUpToTheBatchLossAndTheirGradientsToItsAdapterGradients() {
        List<int[]> prompts = List.of(new int[] {1}, new int[] {1, 5, 6, 7, 9, 10, 11}, new int[] {1, 5, 6}, new int[] {1, 9});
        List<int[]> answers = List.of(new int[] {3, 2}, new int[] {8, 4, 2}, new int[] {4, 2}, new int[] {2});
        SoftPromptBatch b = SoftPromptBatch.of(prompts, answers, QUERIES, 0);
        var m = SoftPromptFixtures.model(LanguageProjection.Kind.MLP, false);
        Tensor q = m.queryOutputsOf(Tensor.randn(23, 4, 5, IMAGE_WIDTH));
        Var whole = m.lossOfQueryOutputs(q, b);
        whole.backward();
        Map<String, float[]> grads = new java.util.HashMap<>();
        for (var e : m.namedParameters().entrySet()) if (e.getValue().grad() != null) grads.put(e.getKey(), e.getValue().grad().toFloatArray());
        m.zeroGrad();
        int[][] shards = b.shards(2);
        float loss = dev.elixr.autograd.ShardedBackward.run(2, i -> m.shareOfLoss(q, b, shards[i]));
        assertEquals(whole.item(), loss, 1e-6 * whole.item());
        assertTrue(!grads.isEmpty());
        for (var e : grads.entrySet()) {
            float[] g = m.namedParameters().get(e.getKey()).grad().toFloatArray();
            for (int i = 0; i < g.length; i++) assertEquals(e.getValue()[i], g[i], 1e-6, e.getKey() + "[" + i + "]");
        }
        assertEquals(Float.floatToIntBits(whole.item()), Float.floatToIntBits(m.shareOfLoss(q, b, new int[] {0, 1, 2, 3}).item()),
                "all rows as one shard: the batch's loss");
    }

    @Test
    void queryOutputsComputedBeforehandAreRefusedWhileTheQFormerTrains() {
        var m = SoftPromptFixtures.model(LanguageProjection.Kind.LINEAR, true);
        assertTrue(!m.queryOutputsFixed());
        Tensor q = m.queryOutputsOf(TOWER);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> m.lossOfQueryOutputs(q, batch(0, 3)));
    }

    @Test
    void changingThePaddingAfterTheAnswerLeavesTheLossBitwiseUnchanged() {
        var m = SoftPromptFixtures.model(LanguageProjection.Kind.LINEAR, false);
        float a = m.loss(Var.of(TOWER), batch(0, 3)).item(), b = m.loss(Var.of(TOWER), batch(17, 3)).item();
        assertEquals(Float.floatToIntBits(a), Float.floatToIntBits(b), a + " vs " + b);
        assertNotEquals(a, m.loss(Var.of(TOWER), batch(0, 11)).item(), "an answer token does count");
    }

    @Test
    void logitsAtMaskedPositionsGetNoGradientAndDoNotChangeTheLoss() {
        SoftPromptBatch b = batch(0, 3);
        Tensor logits = Tensor.randn(5, 2, b.fullLength(), VOCAB);
        Var x = Var.param(logits);
        Var loss = CausalLmLoss.of(x, b.labels());
        loss.backward();
        float[] g = x.grad().toFloatArray(), changed = logits.toFloatArray();
        int full = b.fullLength();
        for (int p = 0; p < b.labels().length; p++) {
            // position p predicts the label at p + 1 of its row (the last position of a row predicts nothing)
            boolean masked = p % full == full - 1 || b.labels()[p + 1] == SoftPromptBatch.IGNORE;
            double norm = 0;
            for (int v = 0; v < VOCAB; v++) {
                norm += Math.abs(g[p * VOCAB + v]);
                if (masked) changed[p * VOCAB + v] = 100f * v; // another prediction wherever the target is masked
            }
            if (masked) assertEquals(0.0, norm, "gradient at masked position " + p);
            else assertTrue(norm > 0, "gradient at answer position " + p);
        }
        float after = CausalLmLoss.of(Var.of(Tensor.of(changed, logits.shape())), b.labels()).item();
        assertEquals(Float.floatToIntBits(loss.item()), Float.floatToIntBits(after));
    }

    @Test
    void gradientReachesTheAdapterAndNeitherTheFrozenLlmNorTheFrozenQFormer() {
        var m = SoftPromptFixtures.model(LanguageProjection.Kind.LINEAR, false);
        m.loss(Var.of(TOWER), batch(0, 3)).backward();
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            if (e.getKey().startsWith("language_projection.")) assertNotNull(e.getValue().grad(), e.getKey());
            else assertNull(e.getValue().grad(), e.getKey());
        }
        for (Parameter p : m.llm().parameters()) assertNull(p.grad());
        assertEquals(m.projection().parameterCount(), m.trainableParameterCount());
    }

    @Test
    void withTrainQFormerTheQueriesLearnToo() {
        var m = SoftPromptFixtures.model(LanguageProjection.Kind.LINEAR, true);
        m.loss(Var.of(TOWER), batch(0, 3)).backward();
        assertNotNull(m.namedParameters().get("qformer.query_tokens").grad());
        assertTrue(m.namedParameters().keySet().stream().allMatch(k -> k.startsWith("ln_vision.") || k.startsWith("qformer.") || k.startsWith("language_projection.")),
                "state dict names: " + m.namedParameters().keySet());
    }

    @Test
    void gradientOfTheLogitsWithRespectToTheImageTokensMatchesFiniteDifferences() {
        var m = SoftPromptFixtures.model(LanguageProjection.Kind.MLP, false);
        m.projection().freeze();
        SoftPromptBatch b = SoftPromptBatch.of(List.of(new int[] {1, 5}), List.of(new int[] {3, 2}), QUERIES, 0);
        GradCheck.check(v -> m.logits(v[0], b), 13, GradCheck.grid(Tensor.randn(9, 1, 3, IMAGE_WIDTH)));
    }

    @Test
    void theGenerationPrefixEqualsTheTrainingSoftPrompt() {
        var m = SoftPromptFixtures.model(LanguageProjection.Kind.MLP, false);
        Tensor prefix = m.softPromptOf(TOWER.narrow(0, 1, 1));
        assertArrayEquals(new int[] {QUERIES, 12}, prefix.shape());
        float[] train = m.softPrompt(Var.of(TOWER)).value().select(0, 1).contiguous().toFloatArray();
        assertArrayEquals(train, prefix.toFloatArray(), 1e-6f);
    }
}
