package dev.elixr.models.qformer;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.check.GradCheck;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link ItcLoss}: max over queries, label smoothing and duplicate groups, against finite differences and by hand. */
class ItcLossTest {
    static Tensor image() { return GradCheck.grid(Tensor.randn(1, 3, 4, 5)); }

    static Tensor text() { return GradCheck.grid(Tensor.randn(2, 3, 5)); }

    /** Steps of 2⁻¹² (the max over queries has a kink where two queries tie: the inputs keep the top two ≥ 0.02 apart). */
    static final double STEP = 0x1p-12;

    @Test
    void plainLossPassesGradCheck() {
        assertTopTwoQueriesApart(image(), text());
        GradCheck.check(v -> ItcLoss.loss(v[0], v[1], v[2]).loss(), 7, STEP, 2e-3, 2e-3, image(), text(), Tensor.of(new float[] {0.5f}));
    }

    @ParameterizedTest
    @EnumSource(ItcLoss.Duplicates.class)
    void lossWithDuplicateGroupsPassesGradCheck(ItcLoss.Duplicates d) {
        long[] groups = {4, 9, 4};
        GradCheck.check(v -> ItcLoss.loss(v[0], v[1], v[2], groups, d).loss(), 8, STEP, 2e-3, 2e-3, image(), text(), Tensor.of(new float[] {0.5f}));
    }

    private static void assertTopTwoQueriesApart(Tensor img, Tensor txt) {
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                double best = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
                for (int q = 0; q < 4; q++) {
                    double s = 0;
                    for (int p = 0; p < 5; p++) s += img.get(i, q, p) * txt.get(j, p);
                    if (s > best) { second = best; best = s; } else if (s > second) second = s;
                }
                org.junit.jupiter.api.Assertions.assertTrue(best - second >= 0.02, "image " + i + " text " + j + ": top two queries " + best + ", " + second);
            }
    }

    @Test
    void similarityIsTheMaxOverQueriesDividedByTemperature() {
        Var img = Var.of(Tensor.of(new float[] {1, 0, 0, 1, /* image 1 */ 2, 0, -1, 0}, 2, 2, 2));
        Var txt = Var.of(Tensor.of(new float[] {0, 3, 1, 1}, 2, 2));
        Var s = ItcLoss.similarity(img, txt, Var.of(Tensor.scalar(0.5f)));
        // image 0 · text 0 = max(0, 3) = 3; · text 1 = max(1, 1) = 1; image 1 · text 0 = max(0, 0) = 0; · text 1 = max(2, -1) = 2
        assertEquals(6f, s.value().get(0, 0));
        assertEquals(2f, s.value().get(0, 1));
        assertEquals(0f, s.value().get(1, 0));
        assertEquals(4f, s.value().get(1, 1));
    }

    @Test
    void logSumExpSimilarityOfTheQueriesByHand() {
        Var img = Var.of(Tensor.of(new float[] {1, 0, 0, 1, /* image 1 */ 2, 0, -1, 0}, 2, 2, 2));
        Var txt = Var.of(Tensor.of(new float[] {0, 3, 1, 1}, 2, 2));
        Var s = ItcLoss.similarity(img, txt, Var.of(Tensor.scalar(0.5f)), ItcLoss.QueryPooling.LOG_SUM_EXP);
        // per query / τ: image 0 · text 0 = (0, 6), · text 1 = (2, 2); image 1 · text 0 = (0, 0), · text 1 = (4, -2)
        assertEquals(Math.log(Math.exp(0) + Math.exp(6)), s.value().get(0, 0), 1e-5);
        assertEquals(2 + Math.log(2), s.value().get(0, 1), 1e-5);
        assertEquals(Math.log(2), s.value().get(1, 0), 1e-5);
        assertEquals(Math.log(Math.exp(4) + Math.exp(-2)), s.value().get(1, 1), 1e-5);
    }

    @Test
    void logSumExpLossPassesGradCheckWithoutTheMaxsKinks() {
        GradCheck.check(v -> ItcLoss.loss(v[0], v[1], v[2], null, ItcLoss.Duplicates.MASK, ItcLoss.QueryPooling.LOG_SUM_EXP).loss(), 12, STEP,
                2e-3, 2e-3, image(), text(), Tensor.of(new float[] {0.5f}));
    }

    @Test
    void logSumExpGivesEveryQueryAGradientWhereTheMaxGivesOnlyTheWinner() {
        Tensor img = Tensor.of(new float[] {1, 0, 0.5f, 0, /* image 1 */ 0, 1, 0, 0.5f}, 2, 2, 2), txt = Tensor.of(new float[] {1, 0.5f, 0.5f, 1}, 2, 2);
        for (ItcLoss.QueryPooling p : ItcLoss.QueryPooling.values()) {
            Var i = Var.param(img), t = Var.of(txt);
            ItcLoss.loss(i, t, Var.of(Tensor.scalar(1f)), null, ItcLoss.Duplicates.MASK, p).loss().backward();
            float[] g = i.grad().toFloatArray();
            double second = Math.abs(g[2]) + Math.abs(g[3]) + Math.abs(g[6]) + Math.abs(g[7]);  // query 1 never wins (half of query 0)
            if (p == ItcLoss.QueryPooling.MAX) assertEquals(0, second, 0, "max: the losing query gets no gradient");
            else org.junit.jupiter.api.Assertions.assertTrue(second > 1e-3, "log-sum-exp: the losing query's gradient " + second);
        }
    }

    @Test
    void distinctGroupsGiveThePlainLoss() {
        Var img = Var.of(image()), txt = Var.of(text()), tau = Var.of(Tensor.scalar(0.3f));
        float plain = ItcLoss.loss(img, txt, tau).loss().item();
        for (ItcLoss.Duplicates d : ItcLoss.Duplicates.values()) {
            assertEquals(plain, ItcLoss.loss(img, txt, tau, new long[] {1, 2, 3}, d).loss().item(), 1e-6f);
        }
    }

    @Test
    void smoothedCrossEntropyOfTwoPairsByHand() {
        // one query; s = [[2, 0], [1, 3]] / τ with τ = 1: rows and columns each get CE with targets 0.95/0.05
        Var img = Var.of(Tensor.of(new float[] {2, 0, 1, 3}, 2, 1, 2));
        Var txt = Var.of(Tensor.of(new float[] {1, 0, 0, 1}, 2, 2));
        double loss = ItcLoss.loss(img, txt, Var.of(Tensor.scalar(1f))).loss().item();
        double expected = (ce(2, 0) + ce(3, 1) + ce(2, 1) + ce(3, 0)) / 4;
        assertEquals(expected, loss, 1e-6);
    }

    /** −(0.95·log p(target) + 0.05·log p(other)) of a pair of logits (target, other). */
    private static double ce(double target, double other) {
        double lse = Math.log(Math.exp(target) + Math.exp(other));
        return -(0.95 * (target - lse) + 0.05 * (other - lse));
    }
}
