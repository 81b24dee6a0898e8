package dev.elixr.tasks.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Precision at k: the fraction of the k highest-scored items whose relevance is above 0. Ties in score are
 * broken by the item's index (stable order), so the result is deterministic.
 */
public final class PrecisionAtK {
    private PrecisionAtK() {}

    public static double atK(double[] relevance, double[] scores, int k) {
        if (relevance.length != scores.length)
            throw new IllegalArgumentException("PrecisionAtK: " + relevance.length + " relevances but " + scores.length + " scores");
        if (k < 1) throw new IllegalArgumentException("PrecisionAtK: k must be >= 1, got " + k);
        int[] top = topK(scores, k);
        int hits = 0;
        for (int i : top) if (relevance[i] > 0) hits++;
        return (double) hits / k;
    }

    /** Indices of the k highest scores, best first; ties by lower index. */
    public static int[] topK(double[] scores, int k) {
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
        return Arrays.stream(order).limit(Math.min(k, scores.length)).mapToInt(Integer::intValue).toArray();
    }
}
