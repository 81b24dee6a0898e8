package dev.elixr.tasks.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MetricsEdgeCasesTest {
    @Test void perfectAndReversedAndAllTied() {
        double[] y = {0, 0, 1, 1};
        assertEquals(1.0, RocAuc.auc(y, new double[] {0.1, 0.2, 0.3, 0.4}));
        assertEquals(0.0, RocAuc.auc(y, new double[] {0.4, 0.3, 0.2, 0.1}));
        assertEquals(0.5, RocAuc.auc(y, new double[] {1, 1, 1, 1}));
    }

    @Test void oneClassGivesNaN() {
        assertTrue(Double.isNaN(RocAuc.auc(new double[] {1, 1}, new double[] {0.2, 0.3})));
    }

    @Test void badLabelNamesIndexAndValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> RocAuc.auc(new double[] {0, -1}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("label 1 is -1.0"), e.getMessage());
    }

    @Test void ndcgOfIdealRankingIsOneAndOfNoRelevantIsZero() {
        assertEquals(1.0, Ndcg.atK(new double[] {2, 1, 0}, new double[] {3, 2, 1}, 2), 1e-15);
        assertEquals(0.0, Ndcg.atK(new double[] {0, 0, 0}, new double[] {3, 2, 1}, 2));
        // ranked relevances 0, 2 at k=2: dcg = 2/log2(3); ideal = 2
        assertEquals(1 / (Math.log(3) / Math.log(2)), Ndcg.atK(new double[] {0, 2}, new double[] {2, 1}, 2), 1e-15);
    }

    @Test void precisionCountsRelevantInTopK() {
        assertEquals(0.4, PrecisionAtK.atK(new double[] {1, 0, 2, 0, 0, 0}, new double[] {6, 5, 4, 3, 2, 1}, 5), 1e-15);
        assertArrayEquals(new int[] {2, 0}, PrecisionAtK.topK(new double[] {1, 0, 3}, 2));
    }

    @Test void bootstrapIsSeededAndBracketsTheEstimate() {
        double[] y = {0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0};
        double[] s = {.1, .8, .3, .6, .4, .5, .2, .9, .35, .7, .3, .1};
        var a = Bootstrap.ci95(y, s, RocAuc::auc, 200, 7);
        var b = Bootstrap.ci95(y, s, RocAuc::auc, 200, 7);
        assertEquals(a, b);
        double auc = RocAuc.auc(y, s);
        assertTrue(a.low() <= auc && auc <= a.high(), a + " vs " + auc);
    }
}
