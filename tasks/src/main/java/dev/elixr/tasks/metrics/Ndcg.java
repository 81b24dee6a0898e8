package dev.elixr.tasks.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Normalised discounted cumulative gain at k (Järvelin &amp; Kekäläinen 2002) with linear gains and
 * log2(rank + 1) discounts, as scikit-learn's {@code ndcg_score}: DCG@k = sum_{r=1..k} rel_r / log2(r + 1),
 * divided by the DCG@k of the ideal ordering; 0 when no item is relevant. Items with tied scores share
 * their gains evenly over the ranks they span (sklearn's default, {@code ignore_ties=False}).
 */
public final class Ndcg {
    private Ndcg() {}

    /** NDCG@k of items with graded {@code relevance}, ranked by decreasing {@code scores}. */
    public static double atK(double[] relevance, double[] scores, int k) {
        if (relevance.length != scores.length)
            throw new IllegalArgumentException("Ndcg: " + relevance.length + " relevances but " + scores.length + " scores");
        if (k < 1) throw new IllegalArgumentException("Ndcg: k must be >= 1, got " + k);
        double ideal = idealDcg(relevance, k);
        return ideal == 0 ? 0.0 : dcg(relevance, scores, k) / ideal;
    }

    /** DCG@k with tie-averaged gains. */
    static double dcg(double[] relevance, double[] scores, int k) {
        int n = relevance.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        double total = 0;
        int i = 0;
        while (i < n && i < k) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
            double meanGain = 0;
            for (int t = i; t <= j; t++) meanGain += relevance[order[t]];
            meanGain /= (j - i + 1);
            for (int r = i; r <= j && r < k; r++) total += meanGain * discount(r);
            i = j + 1;
        }
        return total;
    }

    static double idealDcg(double[] relevance, int k) {
        double[] sorted = relevance.clone();
        Arrays.sort(sorted);
        double total = 0;
        for (int r = 0; r < Math.min(k, sorted.length); r++) total += sorted[sorted.length - 1 - r] * discount(r);
        return total;
    }

    /** 1 / log2(r + 2) for a 0-based rank r. */
    private static double discount(int r) {
        return Math.log(2) / Math.log(r + 2);
    }
}
