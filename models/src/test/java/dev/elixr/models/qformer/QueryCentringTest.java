package dev.elixr.models.qformer;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.check.GradCheck;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link QueryCentring}: by hand in training and evaluation, its running mean, and against finite differences. */
class QueryCentringTest {
    static final float R = (float) Math.sqrt(0.5);

    /** Two images, two queries of width 2: query 0 differs between the images, query 1 nearly the same for both. */
    static Tensor twoImages() {
        return Tensor.of(new float[] {
                1, 0, /* q1 */ 0.6f, 0.8f,
                0, 1, /* q1 */ 0.8f, 0.6f}, 2, 2, 2);
    }

    @Test
    void trainingCentresEachQueryOnTheBatchMeanAndNormalisesAgainByHand() {
        var c = new QueryCentring(2, 2);
        float[] got = c.forward(Var.of(twoImages())).value().toFloatArray();
        // q0: mean (0.5, 0.5) → (0.5, −0.5), (−0.5, 0.5) → ±(√½, −√½); q1: mean (0.7, 0.7) → (−0.1, 0.1), (0.1, −0.1) → ±(−√½, √½)
        assertArrayEquals(new float[] {R, -R, -R, R, /* image 1 */ -R, R, R, -R}, got, 1e-6f);
    }

    @Test
    void aQueryThatBarelyVariesWithTheImageNoLongerScoresEveryImageAlikeAgainstAText() {
        var c = new QueryCentring(2, 2);
        Var z = c.forward(Var.of(twoImages()));
        // text (0.6, 0.8): before centring q1's cosine is 0.96 and 0.96 + ... for both images (0.96, 0.96) — a floor; after: ±0.1414
        float[] v = z.value().toFloatArray();
        double image0 = -R * 0.6 + R * 0.8, image1 = R * 0.6 - R * 0.8;
        assertEquals(image0, v[2] * 0.6 + v[3] * 0.8, 1e-6);
        assertEquals(image1, v[6] * 0.6 + v[7] * 0.8, 1e-6);
        assertEquals(0, image0 + image1, 1e-9, "over the batch the centred query's cosines to a text sum to zero");
    }

    @Test
    void runningMeanMovesByTheMomentumEachTrainingStepAndEvaluationCentresOnIt() {
        var c = new QueryCentring(2, 2);
        assertArrayEquals(new float[4], c.runningMean().toFloatArray(), "starts at zero");
        c.forward(Var.of(twoImages()));
        // batch mean (0.5, 0.5, 0.7, 0.7); μ_run = 0.1 · mean
        assertArrayEquals(new float[] {0.05f, 0.05f, 0.07f, 0.07f}, c.runningMean().toFloatArray(), 1e-7f);
        c.forward(Var.of(twoImages()));
        // 0.9 · 0.1 · mean + 0.1 · mean = 0.19 · mean
        assertArrayEquals(new float[] {0.095f, 0.095f, 0.133f, 0.133f}, c.runningMean().toFloatArray(), 1e-7f);
        float[] before = c.runningMean().toFloatArray();
        c.eval();
        Tensor one = Tensor.of(new float[] {1, 0, 0, 1}, 1, 2, 2);  // a batch of one image is fine in evaluation
        float[] got = c.forward(Var.of(one)).value().toFloatArray();
        assertArrayEquals(before, c.runningMean().toFloatArray(), "evaluation leaves the running mean alone");
        double n0 = Math.hypot(1 - 0.095, -0.095), n1 = Math.hypot(-0.133, 1 - 0.133);
        assertArrayEquals(new float[] {(float) ((1 - 0.095) / n0), (float) (-0.095 / n0), (float) (-0.133 / n1), (float) ((1 - 0.133) / n1)}, got, 1e-6f);
    }

    @Test
    void runningMeanIsABufferOfTheStateDictAndLoadsBack() {
        var c = new QueryCentring(2, 2);
        c.forward(Var.of(twoImages()));
        Map<String, Tensor> state = c.stateDict();
        assertEquals(java.util.Set.of("running_mean"), state.keySet());
        assertArrayEquals(new int[] {1, 2, 2}, state.get("running_mean").shape());
        var loaded = new QueryCentring(2, 2);
        loaded.loadStateDict(state, true);
        assertArrayEquals(c.runningMean().toFloatArray(), loaded.runningMean().toFloatArray());
    }

    @Test
    void trainingForwardPassesGradCheck() {
        Tensor z = GradCheck.grid(Tensor.randn(4, 3, 2, 5));
        GradCheck.check(v -> new QueryCentring(2, 5).forward(v[0]), 9, 0x1p-10, 2e-3, 2e-3, z);
    }

    @Test
    void evaluationForwardPassesGradCheck() {
        var c = new QueryCentring(2, 5);
        c.forward(Var.of(Tensor.randn(5, 3, 2, 5)));
        c.eval();
        GradCheck.check(v -> c.forward(v[0]), 10, 0x1p-10, 2e-3, 2e-3, GradCheck.grid(Tensor.randn(6, 2, 2, 5)));
    }

    @Test
    void embeddingsOfAnotherShapeAndATrainingBatchOfOneAreRefused() {
        var c = new QueryCentring(2, 5);
        var e = assertThrows(IllegalArgumentException.class, () -> c.forward(Var.of(Tensor.zeros(3, 4, 5))));
        assertTrue(e.getMessage().contains("[3,4,5]") && e.getMessage().contains("expected [B,2,5]"), e.getMessage());
        var one = assertThrows(IllegalArgumentException.class, () -> c.forward(Var.of(Tensor.randn(1, 1, 2, 5))));
        assertTrue(one.getMessage().contains("a training batch of 1"), one.getMessage());
    }
}
