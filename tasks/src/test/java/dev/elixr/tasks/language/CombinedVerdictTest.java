package dev.elixr.tasks.language;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CombinedVerdictTest {
    private static final double NONE = Double.NEGATIVE_INFINITY;

    @Test
    void featuresAreClippedEvidenceAskedFlagsAndEachErrorVerdictAgainstCorrect() {
        double[] f = CombinedVerdict.features(new double[] {0.5, 42, NONE, -3}, new double[] {-1, -2, -0.5, -40, -1});
        assertArrayEquals(new double[] {0.5, 10, -10, -3, 1, 1, 0, 1, -1, 0.5, -10, 0}, f, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> CombinedVerdict.features(new double[] {0, 0, 0}, new double[5]));
        assertThrows(IllegalArgumentException.class, () -> CombinedVerdict.features(new double[4], new double[4]));
    }

    /** Items of each class, separable: correct reports low on every feature, each error type high on its own two features. */
    private static void items(List<double[]> x, List<String> y, SplittableRandom r, int perClass) {
        for (int i = 0; i < perClass; i++)
            for (int c = 0; c < CombinedVerdict.CLASSES.size(); c++) {
                double[] q = new double[4], v = new double[5];
                for (int t = 0; t < 4; t++) { q[t] = -3 + r.nextDouble(); v[t + 1] = -6 + r.nextDouble(); }
                if (c > 0) { q[c - 1] = 3 + r.nextDouble(); v[c] = 2 + r.nextDouble(); }
                if (c != 3 && r.nextBoolean()) q[2] = NONE; // laterality often not asked
                x.add(CombinedVerdict.features(q, v));
                y.add(CombinedVerdict.CLASSES.get(c));
            }
    }

    @Test
    void theFitNamesEveryClassOfSeparableItemsOnItemsItWasNotFittedOn() {
        SplittableRandom r = new SplittableRandom(7);
        List<double[]> x = new ArrayList<>(), xt = new ArrayList<>();
        List<String> y = new ArrayList<>(), yt = new ArrayList<>();
        items(x, y, r, 30);
        items(xt, yt, r, 10);
        CombinedVerdict.Model m = CombinedVerdict.fit(x, y);
        for (int i = 0; i < xt.size(); i++) assertEquals(yt.get(i), m.verdict(xt.get(i)), "held-out item " + i);
        for (String c : CombinedVerdict.CLASSES) assertTrue(yt.contains(c));
    }

    @Test
    void probabilitiesSumToOneAndAReportIsWrongOnlyWhenPNoneIsBelowHalf() {
        SplittableRandom r = new SplittableRandom(3);
        List<double[]> x = new ArrayList<>();
        List<String> y = new ArrayList<>();
        items(x, y, r, 20);
        CombinedVerdict.Model m = CombinedVerdict.fit(x, y);
        for (double[] f : x) {
            double[] p = m.probabilities(f);
            double sum = 0;
            for (double v : p) sum += v;
            assertEquals(1, sum, 1e-12);
            assertEquals(p[0] >= 0.5, m.verdict(f).equals("none"));
        }
    }

    @Test
    void theFitIsAtAStationaryPointOfThePenalisedCrossEntropy() {
        SplittableRandom r = new SplittableRandom(11);
        List<double[]> x = new ArrayList<>();
        List<String> y = new ArrayList<>();
        items(x, y, r, 15);
        for (int i = 0; i < x.size(); i += 3) y.set(i, "none"); // overlapping classes: a finite optimum
        CombinedVerdict.Model m = CombinedVerdict.fit(x, y);
        // gradient of Σ CE + λ/2 ‖w‖² in the standardised space, by central differences of the loss
        double h = 1e-5;
        for (int k = 0; k < m.weights().length; k++)
            for (int j = 0; j < m.weights()[k].length; j += 4) {
                double w0 = m.weights()[k][j];
                m.weights()[k][j] = w0 + h;
                double up = loss(m, x, y, j);
                m.weights()[k][j] = w0 - h;
                double down = loss(m, x, y, j);
                m.weights()[k][j] = w0;
                assertEquals(0, (up - down) / (2 * h), 1e-4, "d loss / d w[" + k + "][" + j + "]");
            }
    }

    private static double loss(CombinedVerdict.Model m, List<double[]> x, List<String> y, int j) {
        double s = 0;
        for (int i = 0; i < x.size(); i++) s -= Math.log(m.probabilities(x.get(i))[CombinedVerdict.CLASSES.indexOf(y.get(i))]);
        double penalty = 0;
        for (double[] w : m.weights()) for (int d = 0; d < w.length - 1; d++) penalty += w[d] * w[d];
        for (double[] w : m.weights()) penalty += 1e-6 / CombinedVerdict.L2 * w[w.length - 1] * w[w.length - 1];
        return s + CombinedVerdict.L2 / 2 * penalty;
    }

    @Test
    void aFitRefusesMismatchedItemsAndUnknownClasses() {
        assertThrows(IllegalArgumentException.class, () -> CombinedVerdict.fit(List.of(new double[12]), List.of()));
        assertThrows(IllegalArgumentException.class, () -> CombinedVerdict.fit(List.of(new double[12]), List.of("wrong side")));
        assertThrows(IllegalArgumentException.class, () -> CombinedVerdict.fit(List.of(), List.of()));
    }
}
