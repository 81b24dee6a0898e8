package dev.elixr.tasks.data.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A tiny L2-regularised logistic regression (full-batch gradient descent with momentum) and a Mann-Whitney AUC, for tests. */
final class LogisticRegression {
    private LogisticRegression() {}

    /** Weights (bias last) fitted to rows x with 0/1 targets y. */
    static double[] fit(List<float[]> x, List<Integer> y, double l2, int iterations, long seed) {
        int d = x.getFirst().length, n = x.size();
        double[] w = new double[d + 1], v = new double[d + 1];
        SplittableRandom r = new SplittableRandom(seed);
        for (int j = 0; j < d; j++) w[j] = 0.001 * r.nextGaussian();
        double lr = 0.05, mom = 0.9;
        for (int it = 0; it < iterations; it++) {
            double[] g = new double[d + 1];
            for (int i = 0; i < n; i++) {
                float[] xi = x.get(i);
                double e = sigmoid(score(w, xi)) - y.get(i);
                for (int j = 0; j < d; j++) g[j] += e * xi[j];
                g[d] += e;
            }
            for (int j = 0; j <= d; j++) {
                double grad = g[j] / n + (j < d ? l2 * w[j] : 0);
                v[j] = mom * v[j] - lr * grad;
                w[j] += v[j];
            }
        }
        return w;
    }

    static double score(double[] w, float[] x) {
        double s = w[x.length];
        for (int j = 0; j < x.length; j++) s += w[j] * x[j];
        return s;
    }

    static double sigmoid(double z) { return 1 / (1 + Math.exp(-z)); }

    /** Probability that a positive scores above a negative (ties count half). */
    static double auc(List<Double> pos, List<Double> neg) {
        if (pos.isEmpty() || neg.isEmpty()) return Double.NaN;
        double wins = 0;
        for (double p : pos) for (double q : neg) wins += p > q ? 1 : p == q ? 0.5 : 0;
        return wins / ((double) pos.size() * neg.size());
    }

    static List<Double> list(double... v) {
        List<Double> out = new ArrayList<>();
        for (double x : v) out.add(x);
        return out;
    }
}
