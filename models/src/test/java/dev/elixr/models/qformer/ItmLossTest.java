package dev.elixr.models.qformer;

import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hard-negative mining and labels of {@link ItmLoss}. */
class ItmLossTest {
    /** s[i][j]: image i, text j. */
    static final Tensor SIM = Tensor.matrix(new float[][] {{5, 1, 3, 0}, {2, 6, 0, 1}, {4, 0, 7, 2}, {1, 3, 2, 8}});

    @Test
    void negativesAreNeverThePositive() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int round = 0; round < 500; round++) {
            ItmLoss.Negatives n = ItmLoss.hardNegatives(SIM, null, rng);
            for (int i = 0; i < 4; i++) {
                assertNotEquals(i, n.imageForText()[i]);
                assertNotEquals(i, n.textForImage()[i]);
            }
        }
    }

    @Test
    void negativesAreDrawnProportionalToSoftmaxPlusFloor() {
        SplittableRandom rng = new SplittableRandom(2);
        int draws = 40000;
        int[] imageCounts = new int[4], textCounts = new int[4];
        for (int d = 0; d < draws; d++) {
            ItmLoss.Negatives n = ItmLoss.hardNegatives(SIM, null, rng);
            imageCounts[n.imageForText()[0]]++; // text 0: column 0 of SIM = {5, 2, 4, 1}
            textCounts[n.textForImage()[1]]++;  // image 1: row 1 = {2, 6, 0, 1}
        }
        assertFrequencies(new double[] {5, 2, 4, 1}, 0, imageCounts, draws);
        assertFrequencies(new double[] {2, 6, 0, 1}, 1, textCounts, draws);
    }

    @Test
    void sameGroupCandidatesAreSkippedWhileOthersRemain() {
        long[] groups = {1, 2, 1, 3};
        SplittableRandom rng = new SplittableRandom(3);
        for (int round = 0; round < 500; round++) {
            ItmLoss.Negatives n = ItmLoss.hardNegatives(SIM, groups, rng);
            for (int i = 0; i < 4; i++) {
                assertNotEquals(groups[i], groups[n.imageForText()[i]], "image of the same group drawn for text " + i);
                assertNotEquals(groups[i], groups[n.textForImage()[i]], "text of the same group drawn for image " + i);
            }
        }
    }

    @Test
    void sameSeedSameNegatives() {
        ItmLoss.Negatives a = ItmLoss.hardNegatives(SIM, null, new SplittableRandom(9));
        ItmLoss.Negatives b = ItmLoss.hardNegatives(SIM, null, new SplittableRandom(9));
        assertArrayEquals(a.imageForText(), b.imageForText());
        assertArrayEquals(a.textForImage(), b.textForImage());
    }

    @Test
    void labelsArePositivesThenTwoBlocksOfNegatives() {
        assertArrayEquals(new int[] {1, 1, 0, 0, 0, 0}, ItmLoss.labels(2));
    }

    @Test
    void aBatchOfOneIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ItmLoss.hardNegatives(Tensor.matrix(new float[][] {{1}}), null, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    }

    /** Frequencies of the candidates (positive excluded) within 0.01 of softmax(logits)+1e-4, renormalised. */
    private static void assertFrequencies(double[] logits, int positive, int[] counts, int draws) {
        double z = 0;
        for (double l : logits) z += Math.exp(l);
        double[] w = new double[logits.length];
        double total = 0;
        for (int k = 0; k < w.length; k++) total += w[k] = k == positive ? 0 : Math.exp(logits[k]) / z + ItmLoss.WEIGHT_FLOOR;
        assertEquals(0, counts[positive]);
        for (int k = 0; k < w.length; k++) {
            double expected = w[k] / total, seen = (double) counts[k] / draws;
            int kk = k;
            assertEquals(expected, seen, 0.01, () -> "candidate " + kk);
        }
    }
}
