package dev.elixr.models.qformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.models.hf.HfModels;
import dev.elixr.models.testing.Fixtures;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.function.Function;

import static dev.elixr.models.testing.Parity.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Q-Former's three stage-1 losses and the gradients of a few parameters of each against a PyTorch reference written
 * from the paper (fixtures/qformer/make_qformer_fixture.py, float64): within 1e-5 relative (a loss to its value, a
 * gradient to its largest element).
 */
class QFormerParityTest {
    static final double RELATIVE = 1e-5;

    record Inputs(Var image, TextBatch text, ItmLoss.Negatives negatives, long[] groups, JsonNode grads, JsonNode losses) {}

    static Inputs inputs() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode in = json.readTree(Fixtures.path("qformer/inputs.json").toFile());
        int b = in.get("input_ids").size(), l = in.get("input_ids").get(0).size();
        int[] ids = new int[b * l], mask = new int[b * l];
        for (int r = 0; r < b; r++)
            for (int t = 0; t < l; t++) {
                ids[r * l + t] = in.get("input_ids").get(r).get(t).asInt();
                mask[r * l + t] = in.get("attention_mask").get(r).get(t).asInt();
            }
        return new Inputs(Var.of(npy("qformer/image.npy")), new TextBatch(ids, mask, b, l),
                new ItmLoss.Negatives(ints(in.get("neg_image_for_text")), ints(in.get("neg_text_for_image"))),
                java.util.Arrays.stream(ints(in.get("groups"))).asLongStream().toArray(), in.get("grads"),
                json.readTree(Fixtures.path("qformer/losses.json").toFile()));
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    static QFormer model() { return HfModels.qformer(Fixtures.path("qformer")); }

    static Var itc(QFormer m, Inputs in) {
        QueryOutput q = m.queryPass(in.image());
        return ItcLoss.loss(m.imageFeatures(q.hidden()), m.textFeature(m.textPass(in.text())), m.temperature()).loss();
    }

    @Test
    void itcLossAndGradientsMatchPyTorch() throws IOException {
        Inputs in = inputs();
        checkLossAndGradients("itc", in, m -> itc(m, in));
    }

    @Test
    void itmLossWithGivenNegativesAndGradientsMatchPyTorch() throws IOException {
        Inputs in = inputs();
        checkLossAndGradients("itm", in, m -> ItmLoss.loss(m, in.image(), in.text(), in.negatives()));
    }

    @Test
    void itgLossAndGradientsMatchPyTorch() throws IOException {
        Inputs in = inputs();
        checkLossAndGradients("itg", in, m -> ItgLoss.loss(m, m.queryPass(in.image()), in.text()));
    }

    /** The fixture's texts have 6, 4 and 5 tokens: a group cost of 0 passes each in a group of its own length. */
    @Test
    void itcItmAndItgInLengthGroupsMatchPyTorchsPaddedBatch() throws IOException {
        Inputs in = inputs();
        assertEquals(3, in.text().lengthGroups(0).count(), "three groups");
        checkLossAndGradients("itc", in, m -> ItcLoss.loss(m.imageFeatures(m.queryPass(in.image()).hidden()),
                m.textFeature(in.text(), TextPooling.CLS, 0), m.temperature()).loss());
        checkLossAndGradients("itm", in, m -> ItmLoss.loss(m, in.image(), in.text(), in.negatives(), 0));
        checkLossAndGradients("itg", in, m -> ItgLoss.loss(m, m.queryPass(in.image()), in.text(), 0));
    }

    @Test
    void itcWithDuplicateGroupsMaskedOrPositiveMatchesPyTorch() throws IOException {
        Inputs in = inputs();
        QFormer m = model();
        try (var g = GradMode.noGrad()) {
            QueryOutput q = m.queryPass(in.image());
            Var img = m.imageFeatures(q.hidden()), txt = m.textFeature(m.textPass(in.text()));
            assertRelative("itc mask", in.losses().get("itc_mask").asDouble(),
                    ItcLoss.loss(img, txt, m.temperature(), in.groups(), ItcLoss.Duplicates.MASK).loss().item());
            assertRelative("itc positive", in.losses().get("itc_positive").asDouble(),
                    ItcLoss.loss(img, txt, m.temperature(), in.groups(), ItcLoss.Duplicates.POSITIVE).loss().item());
        }
    }

    @Test
    void queryPassMatchesPyTorch() {
        QFormer m = model();
        try (var g = GradMode.noGrad()) {
            Tensor out = m.queryPass(Var.of(npy("qformer/image.npy"))).hidden().value();
            assertTensorRelative("query last_hidden_state", npy("qformer/query_last_hidden_state.npy"), out);
        }
    }

    private void checkLossAndGradients(String loss, Inputs in, Function<QFormer, Var> f) {
        QFormer m = model();
        m.train(); // dropout is 0 in the fixture's config: training mode changes nothing but must work
        Var value = f.apply(m);
        value.backward();
        assertRelative(loss, in.losses().get(loss).asDouble(), value.item());
        Map<String, Parameter> params = m.namedParameters();
        for (JsonNode name : in.grads().get(loss)) {
            Parameter p = params.get(name.asText());
            assertTrue(p != null, () -> "no parameter " + name.asText());
            assertTrue(p.grad() != null, () -> loss + ": no gradient reached " + name.asText());
            Tensor expected = npy("qformer/grad_" + loss + "__" + name.asText() + ".npy");
            assertTensorRelative(loss + " grad " + name.asText(), expected.reshape(p.shape()), p.grad());
        }
    }

    static void assertRelative(String what, double expected, double actual) {
        double rel = Math.abs(actual - expected) / Math.abs(expected);
        System.out.printf("parity %-50s relative error %.3g%n", what, rel);
        assertTrue(rel <= RELATIVE, () -> what + ": expected " + expected + ", got " + actual + " (relative error " + rel + ")");
    }

    static void assertTensorRelative(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.contiguous().toFloatArray(), a = actual.toCpu().contiguous().toFloatArray();
        double scale = 0, diff = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            double d = Math.abs((double) e[i] - a[i]);
            diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
        }
        double rel = diff / scale, d = diff, s = scale;
        System.out.printf("parity %-80s max error / max |expected| %.3g%n", what, rel);
        assertTrue(scale > 0, what + ": the reference is all zeros");
        assertTrue(rel <= RELATIVE, () -> what + ": max abs error " + d + " over max |expected| " + s + " > " + RELATIVE);
        assertEquals(e.length, a.length);
    }
}
