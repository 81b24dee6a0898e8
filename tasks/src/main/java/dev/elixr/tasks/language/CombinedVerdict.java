package dev.elixr.tasks.language;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Report QA from two kinds of evidence at once, combined by a multinomial logistic regression (stacked generalisation,
 * Wolpert 1992) fitted on labelled reports (the validation split, never the one scored): per error type the largest
 * evidence of the {@link AssertionQuestions} ({@link QuestionVerdict#byType}) and whether any question of that type was
 * asked, and per error type the log-probability of the paper's one-prompt verdict naming it less that of "correct"
 * ({@link VerdictLikelihood}). The features are standardised on the fit's items; the classes are "none" (the report is
 * correct) and {@link QuestionVerdict#TYPES}, "none" the reference class. A report is wrong when P(none) &lt; 1/2 (the
 * rule that maximises the expected accuracy of correct-vs-erroneous), its error then the likeliest error type.
 */
public final class CombinedVerdict {
    /** Feature names, in order. */
    public static final List<String> FEATURES;
    /** Classes, in order: "none" then the error types. */
    public static final List<String> CLASSES = VerdictLikelihood.ANSWERS;
    /** Evidence is clipped to ±{@value #CLIP} (a type never asked reads −{@value #CLIP}), so a few saturated items cannot dominate the fit. */
    static final double CLIP = 10;
    /** L2 penalty on the standardised weights (not the biases), as a count of items: the loss is Σ cross-entropy + λ/2 ‖w‖². */
    public static final double L2 = 1.0;

    static {
        List<String> f = new ArrayList<>();
        for (String t : QuestionVerdict.TYPES) f.add("questions_max_" + t);
        for (String t : QuestionVerdict.TYPES) f.add("questions_asked_" + t);
        for (String t : QuestionVerdict.TYPES) f.add("verdict_" + t + "_vs_correct");
        FEATURES = List.copyOf(f);
    }

    /** A fitted model: the features' mean and standard deviation on the fit's items, and per error class its weights and bias last. */
    public record Model(double[] mean, double[] sd, double[][] weights) {
        public Model {
            if (mean.length != FEATURES.size() || sd.length != FEATURES.size() || weights.length != CLASSES.size() - 1)
                throw new IllegalArgumentException("combined verdict model: expected " + FEATURES.size() + " features and " + (CLASSES.size() - 1)
                        + " error classes, got " + mean.length + "/" + sd.length + " and " + weights.length);
            for (double[] w : weights)
                if (w.length != FEATURES.size() + 1) throw new IllegalArgumentException("combined verdict model: " + w.length + " weights per class, expected " + (FEATURES.size() + 1));
        }

        /** P(class) for one item's features, in {@link #CLASSES} order. */
        public double[] probabilities(double[] features) {
            double[] z = standardised(features, mean, sd);
            double[] logit = new double[CLASSES.size()];
            for (int k = 1; k < logit.length; k++) logit[k] = dot(weights[k - 1], z);
            return softmax(logit);
        }

        /** "none" when P(none) ≥ 1/2, else the likeliest error type. */
        public String verdict(double[] features) {
            double[] p = probabilities(features);
            if (p[0] >= 0.5) return "none";
            int best = 1;
            for (int k = 2; k < p.length; k++) if (p[k] > p[best]) best = k;
            return CLASSES.get(best);
        }

        /** The model as written to metrics.json: feature names, means, standard deviations, weights per error class (bias last). */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("features", FEATURES);
            m.put("mean", mean);
            m.put("sd", sd);
            Map<String, Object> w = new LinkedHashMap<>();
            for (int k = 1; k < CLASSES.size(); k++) w.put(CLASSES.get(k), weights[k - 1]);
            m.put("weights_then_bias", w);
            m.put("reference_class", CLASSES.get(0));
            m.put("l2", L2);
            m.put("decision", "wrong when P(none) < 0.5, the error the likeliest error type");
            return m;
        }
    }

    private CombinedVerdict() {}

    /** One report's features from its questions' evidence by type (−∞: none asked) and its verdict log-probabilities ({@link #CLASSES} order). */
    public static double[] features(double[] questionsByType, double[] verdictLogProbs) {
        int n = QuestionVerdict.TYPES.size();
        if (questionsByType.length != n) throw new IllegalArgumentException("combined verdict: " + questionsByType.length + " evidence values by type, expected " + n);
        if (verdictLogProbs.length != CLASSES.size())
            throw new IllegalArgumentException("combined verdict: " + verdictLogProbs.length + " verdict log-probabilities, expected " + CLASSES.size());
        double[] f = new double[FEATURES.size()];
        for (int t = 0; t < n; t++) {
            boolean asked = questionsByType[t] != Double.NEGATIVE_INFINITY;
            f[t] = asked ? clip(questionsByType[t]) : -CLIP;
            f[n + t] = asked ? 1 : 0;
            f[2 * n + t] = clip(verdictLogProbs[t + 1] - verdictLogProbs[0]);
        }
        return f;
    }

    /**
     * The regression fitted to labelled items (their features and their true class: "none" or an error type) by Newton's
     * method on the penalised cross-entropy, the features standardised on these items (a constant feature keeps sd 1).
     */
    public static Model fit(List<double[]> features, List<String> truth) {
        if (features.size() != truth.size()) throw new IllegalArgumentException("combined verdict fit: " + features.size() + " items but " + truth.size() + " truths");
        if (features.isEmpty()) throw new IllegalArgumentException("combined verdict fit: no items");
        int d = FEATURES.size(), k = CLASSES.size() - 1, p = d + 1, n = features.size();
        double[] mean = new double[d], sd = new double[d];
        for (double[] f : features) for (int j = 0; j < d; j++) mean[j] += f[j] / n;
        for (double[] f : features) for (int j = 0; j < d; j++) sd[j] += (f[j] - mean[j]) * (f[j] - mean[j]) / n;
        for (int j = 0; j < d; j++) sd[j] = sd[j] > 1e-12 ? Math.sqrt(sd[j]) : 1;
        double[][] z = new double[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            z[i] = standardised(features.get(i), mean, sd);
            y[i] = CLASSES.indexOf(truth.get(i));
            if (y[i] < 0) throw new IllegalArgumentException("combined verdict fit: item " + i + "'s class '" + truth.get(i) + "' is not one of " + CLASSES);
        }
        double[][] w = new double[k][p];
        for (int iter = 0; iter < 50; iter++) {
            double[] grad = new double[k * p];
            double[][] hess = new double[k * p][k * p];
            for (int i = 0; i < n; i++) {
                double[] logit = new double[k + 1];
                for (int c = 1; c <= k; c++) logit[c] = dot(w[c - 1], z[i]);
                double[] pr = softmax(logit);
                for (int a = 0; a < k; a++) {
                    double r = pr[a + 1] - (y[i] == a + 1 ? 1 : 0);
                    for (int j = 0; j < p; j++) grad[a * p + j] += r * zAt(z[i], j);
                    for (int b = 0; b < k; b++) {
                        double h = pr[a + 1] * ((a == b ? 1 : 0) - pr[b + 1]);
                        for (int j = 0; j < p; j++) {
                            double hj = h * zAt(z[i], j);
                            for (int l = 0; l < p; l++) hess[a * p + j][b * p + l] += hj * zAt(z[i], l);
                        }
                    }
                }
            }
            for (int a = 0; a < k; a++)
                for (int j = 0; j < p; j++) {
                    double lambda = j < d ? L2 : 1e-6;
                    grad[a * p + j] += lambda * w[a][j];
                    hess[a * p + j][a * p + j] += lambda;
                }
            double[] step = solve(hess, grad);
            double size = 0;
            for (int a = 0; a < k; a++) for (int j = 0; j < p; j++) { w[a][j] -= step[a * p + j]; size = Math.max(size, Math.abs(step[a * p + j])); }
            if (size < 1e-9) break;
        }
        return new Model(mean, sd, w);
    }

    static double clip(double x) { return Math.max(-CLIP, Math.min(CLIP, x)); }

    private static double zAt(double[] z, int j) { return j < z.length ? z[j] : 1; }

    private static double[] standardised(double[] f, double[] mean, double[] sd) {
        if (f.length != mean.length) throw new IllegalArgumentException("combined verdict: " + f.length + " features, expected " + mean.length);
        double[] z = new double[f.length];
        for (int j = 0; j < f.length; j++) z[j] = (f[j] - mean[j]) / sd[j];
        return z;
    }

    /** w · (z, 1): the weights then the bias last. */
    private static double dot(double[] w, double[] z) {
        double s = w[z.length];
        for (int j = 0; j < z.length; j++) s += w[j] * z[j];
        return s;
    }

    private static double[] softmax(double[] logit) {
        double max = Arrays.stream(logit).max().orElseThrow(), sum = 0;
        double[] p = new double[logit.length];
        for (int c = 0; c < p.length; c++) sum += p[c] = Math.exp(logit[c] - max);
        for (int c = 0; c < p.length; c++) p[c] /= sum;
        return p;
    }

    /** Solves the symmetric positive-definite system h x = g by Cholesky decomposition (h is the penalised Hessian). */
    private static double[] solve(double[][] h, double[] g) {
        int n = g.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) {
                double s = h[i][j];
                for (int m = 0; m < j; m++) s -= l[i][m] * l[j][m];
                if (i == j) {
                    if (s <= 0) throw new IllegalStateException("combined verdict fit: the Hessian is not positive definite at row " + i);
                    l[i][i] = Math.sqrt(s);
                } else l[i][j] = s / l[j][j];
            }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double s = g[i];
            for (int m = 0; m < i; m++) s -= l[i][m] * x[m];
            x[i] = s / l[i][i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = x[i];
            for (int m = i + 1; m < n; m++) s -= l[m][i] * x[m];
            x[i] = s / l[i][i];
        }
        return x;
    }
}
