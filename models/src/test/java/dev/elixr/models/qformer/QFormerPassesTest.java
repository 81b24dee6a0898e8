package dev.elixr.models.qformer;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The separate passes of the Q-Former agree with one joint pass under the matching mask. */
class QFormerPassesTest {
    static final QFormerConfig CONFIG = new QFormerConfig(
            new QFormerConfig.Transformer(16, 3, 2, 24, 1e-12f, 0f, Activation.GELU),
            new QFormerConfig.Queries(3, 2, 10), new QFormerConfig.Text(20, 8, 0, 19), 8);
    static final TextBatch TEXT = new TextBatch(new int[] {2, 5, 7, 0, 2, 9, 11, 13}, new int[] {1, 1, 1, 0, 1, 1, 1, 1}, 2, 4);

    static QFormer model() {
        QFormer m = QFormer.create(CONFIG, new SplittableRandom(3));
        // larger weights than the 0.02 initialisation, so that a wrong mask shows in the outputs
        for (var p : m.namedParameters().values()) {
            if (p.dim() >= 2) p.assign(Tensor.normal(new SplittableRandom(p.numel()), 0f, 0.3f, p.shape()));
        }
        m.eval();
        return m;
    }

    static Var image() { return Var.of(Tensor.randn(5, 2, 6, 10)); }

    @Test
    void jointPassUnderTheItcMaskEqualsTheQueryPassAndTheTextPass() {
        QFormer m = model();
        try (var g = GradMode.noGrad()) {
            Var image = image();
            Var joint = m.jointPass(image, TEXT, QFormerMasks.build(QFormerMasks.Objective.ITC, 3, TEXT));
            assertClose(m.queryPass(image).hidden().value(), joint.value().narrow(1, 0, 3));
            assertClose(m.textPass(TEXT).value(), joint.value().narrow(1, 3, 4));
        }
    }

    @Test
    void decoderPassOnTheCachedQueryKeysValuesEqualsTheJointPassUnderTheItgMask() {
        QFormer m = model();
        try (var g = GradMode.noGrad()) {
            Var image = image();
            TextBatch dec = TEXT.withFirstToken(19);
            Var joint = m.jointPass(image, dec, QFormerMasks.build(QFormerMasks.Objective.ITG, 3, dec));
            QueryOutput q = m.queryPass(image);
            assertEquals(3, q.keysValues().size());
            assertClose(q.hidden().value(), joint.value().narrow(1, 0, 3));
            assertClose(m.decoderPass(q, dec).value(), joint.value().narrow(1, 3, 4));
        }
    }

    @Test
    void itmMaskLetsTextChangeTheQueryOutputs() {
        QFormer m = model();
        try (var g = GradMode.noGrad()) {
            Var image = image();
            Var joint = m.jointPass(image, TEXT, QFormerMasks.build(QFormerMasks.Objective.ITM, 3, TEXT));
            double diff = maxDiff(m.queryPass(image).hidden().value(), joint.value().narrow(1, 0, 3));
            assertTrue(diff > 1e-3, "queries that see the text should differ from the query-only pass, max diff " + diff);
        }
    }

    @Test
    void jointQueryPassEqualsTheQueryRowsOfTheJointPassAndGivesTheSameGradients() {
        Tensor mask = QFormerMasks.build(QFormerMasks.Objective.ITM, 3, TEXT);
        Tensor image = image().value();
        QFormer full = model(), pruned = model();
        Var a = full.itmLogits(full.jointPass(Var.of(image), TEXT, mask));
        Var b = pruned.itmLogits(pruned.jointQueryPass(Var.of(image), TEXT, mask));
        assertClose(a.value(), b.value());
        assertEquals(3, pruned.jointQueryPass(Var.of(image), TEXT, mask).size(1));
        a.sumAll().backward();
        b.sumAll().backward();
        assertSameGradients(full, pruned);
    }

    @Test
    void clsPassEqualsTheFirstTokenOfTheTextPassAndGivesTheSameGradients() {
        QFormer full = model(), pruned = model();
        Var a = full.textFeature(full.textPass(TEXT));
        Var b = pruned.textFeature(pruned.clsPass(TEXT));
        assertClose(a.value(), b.value());
        a.mul(Var.of(Tensor.randn(9, 2, 8))).sumAll().backward();
        b.mul(Var.of(Tensor.randn(9, 2, 8))).sumAll().backward();
        assertSameGradients(full, pruned);
    }

    static void assertSameGradients(QFormer expected, QFormer actual) {
        var e = expected.namedParameters();
        int compared = 0;
        for (var entry : actual.namedParameters().entrySet()) {
            Tensor ge = e.get(entry.getKey()).grad(), ga = entry.getValue().grad();
            if (ge == null || ga == null) {  // a weight only the skipped rows use: its gradient is zero in the full pass
                Tensor g = ge == null ? ga : ge;
                if (g != null) assertClose(Tensor.zeros(g.shape()), g);
                continue;
            }
            assertClose(ge, ga);
            compared++;
        }
        assertTrue(compared > 10, compared + " gradients compared");
    }

    @Test
    void creationInitialisesAsBlip2() {
        QFormer m = QFormer.create(QFormerConfig.tiny(10, 50, 49), new SplittableRandom(1));
        float[] q = m.queryTokens().value().toFloatArray();
        double sum = 0, sq = 0;
        for (float v : q) { sum += v; sq += v * v; }
        double std = Math.sqrt(sq / q.length - Math.pow(sum / q.length, 2));
        assertEquals(0.02, std, 0.004, "query tokens N(0, 0.02)");
        assertEquals(0.07f, m.temperature().item(), 1e-7f);
        assertEquals(1f, m.namedParameters().get("qformer.layernorm.weight").value().get(0));
        assertEquals(0f, m.namedParameters().get("itm_head.bias").value().get(1));
        assertEquals(java.util.List.of(1, 8, 64), java.util.Arrays.stream(m.queryTokens().shape()).boxed().toList());
    }

    @Test
    void parameterNamesFollowHuggingFaceBlip2Layout() {
        var names = QFormer.create(CONFIG, new SplittableRandom(1)).namedParameters().keySet();
        for (String n : new String[] {"query_tokens", "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                "qformer.layernorm.weight", "qformer.encoder.layer.0.attention.attention.query.weight",
                "qformer.encoder.layer.0.attention.output.LayerNorm.bias", "qformer.encoder.layer.0.crossattention.attention.key.weight",
                "qformer.encoder.layer.2.crossattention.output.dense.weight", "qformer.encoder.layer.1.intermediate_query.dense.weight",
                "qformer.encoder.layer.1.output_query.LayerNorm.weight", "qformer.encoder.layer.1.intermediate.dense.weight",
                "qformer.encoder.layer.1.output.dense.bias", "vision_projection.weight", "text_projection.bias", "itm_head.weight",
                "cls.predictions.transform.dense.weight", "cls.predictions.transform.LayerNorm.weight", "cls.predictions.bias", "temp"}) {
            assertTrue(names.contains(n), () -> "missing " + n + " in " + names);
        }
        assertTrue(names.stream().noneMatch(n -> n.startsWith("qformer.encoder.layer.1.crossattention")), "layer 1 has no cross-attention");
    }

    @Test
    void temperatureOutsideItsRangeIsClampedInPlaceAndKeepsItsGradient() {
        QFormer m = QFormer.create(CONFIG, new SplittableRandom(1));
        var temp = m.namedParameters().get("temp");
        temp.assign(Tensor.scalar(0.9f));
        Var t = m.temperature();
        assertEquals(0.5f, temp.value().item());
        t.mul(3f).backward();
        assertEquals(3f, temp.grad().item());
    }

    @Test
    void queryOnlyModelRefusesTextWithAClearMessage() {
        QFormer m = QFormer.queryOnly(CONFIG);
        var e = assertThrows(IllegalStateException.class, () -> m.textPass(TEXT));
        assertTrue(e.getMessage().contains("query path only"), e.getMessage());
        assertTrue(m.namedParameters().keySet().stream().noneMatch(n -> n.contains(".intermediate.") || n.startsWith("embeddings")));
    }

    @Test
    void imageOfTheWrongWidthIsRefusedNamingTheShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> model().queryPass(Var.of(Tensor.zeros(2, 6, 11))));
        assertTrue(e.getMessage().contains("[2,6,11]") && e.getMessage().contains("[B,T,10]"), e.getMessage());
    }

    static void assertClose(Tensor expected, Tensor actual) {
        double d = maxDiff(expected, actual);
        assertTrue(d < 2e-5, "max abs difference " + d);
    }

    static double maxDiff(Tensor a, Tensor b) {
        assertEquals(java.util.Arrays.toString(a.shape()), java.util.Arrays.toString(b.shape()));
        float[] x = a.contiguous().toFloatArray(), y = b.contiguous().toFloatArray();
        double d = 0;
        for (int i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
        return d;
    }
}
