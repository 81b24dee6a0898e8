package dev.elixr.tasks.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap confidence intervals (Efron &amp; Tibshirani 1993, ch. 13) for a statistic of paired
 * samples. Resamples in which the statistic is undefined (NaN, e.g. an AUC with one class only) are skipped.
 * Percentiles interpolate linearly between order statistics, as {@code numpy.percentile}.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /** A statistic of (labels, scores), e.g. {@link RocAuc#auc}. */
    @FunctionalInterface
    public interface Statistic {
        double of(double[] labels, double[] scores);
    }

    /** Lower and upper bounds of a confidence interval. */
    public record Interval(double low, double high) {}

    /** Resample index sets: {@code resamples} rows of {@code n} indices drawn with replacement, seeded. */
    public static int[][] resamples(int n, int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] out = new int[count][n];
        for (int[] row : out) for (int i = 0; i < n; i++) row[i] = rng.nextInt(n);
        return out;
    }

    /** The (1 - alpha) percentile interval of {@code stat} over the given resample index sets. */
    public static Interval percentile(double[] labels, double[] scores, Statistic stat, int[][] resamples, double alpha) {
        double[] values = new double[resamples.length];
        int m = 0;
        double[] l = new double[labels.length], s = new double[scores.length];
        for (int[] idx : resamples) {
            if (idx.length != labels.length)
                throw new IllegalArgumentException("Bootstrap: resample of " + idx.length + " indices for " + labels.length + " samples");
            for (int i = 0; i < idx.length; i++) { l[i] = labels[idx[i]]; s[i] = scores[idx[i]]; }
            double v = stat.of(l, s);
            if (!Double.isNaN(v)) values[m++] = v;
        }
        if (m == 0) return new Interval(Double.NaN, Double.NaN);
        double[] sorted = Arrays.copyOf(values, m);
        Arrays.sort(sorted);
        return new Interval(quantile(sorted, alpha / 2), quantile(sorted, 1 - alpha / 2));
    }

    /** 95% interval of {@code stat} from {@code count} seeded resamples. */
    public static Interval ci95(double[] labels, double[] scores, Statistic stat, int count, long seed) {
        return percentile(labels, scores, stat, resamples(labels.length, count, seed), 0.05);
    }

    /** Linear-interpolation quantile of sorted values (numpy's default method). */
    public static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
