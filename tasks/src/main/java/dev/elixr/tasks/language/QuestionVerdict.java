package dev.elixr.tasks.language;

import dev.elixr.tasks.language.AssertionQuestions.Question;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verdict of a report checked by {@link AssertionQuestions}: each answered question gives evidence against the
 * report, the log-probability of the likeliest answer other than the one the report implies less that of the implied
 * one (above 0: the model prefers another answer); each error type takes the largest evidence of its questions. The
 * report is wrong when some type's evidence exceeds that type's threshold, and the error is the type that exceeds its
 * threshold most; else it is correct. The thresholds are chosen on labelled reports ({@link #fit}) — the validation
 * split, never the one scored.
 */
public final class QuestionVerdict {
    /** The error types, in the order ties are broken. */
    public static final List<String> TYPES = List.of("omission", "insertion", "laterality", "severity");

    private QuestionVerdict() {}

    /** Evidence of one question from the log-probabilities of its answers (in {@link Question#answers} order). */
    public static double evidence(Question q, double[] logProbs) {
        if (logProbs.length != q.answers().size())
            throw new IllegalArgumentException("question '" + q.text() + "': " + logProbs.length + " log-probabilities for " + q.answers().size() + " answers");
        int implied = q.answers().indexOf(q.implied());
        double other = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < logProbs.length; i++) if (i != implied) other = Math.max(other, logProbs[i]);
        return other - logProbs[implied];
    }

    /** Per error type (in {@link #TYPES} order) the largest evidence of its questions; −∞ where it asked none. */
    public static double[] byType(List<Question> questions, double[] evidence) {
        double[] e = new double[TYPES.size()];
        Arrays.fill(e, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < questions.size(); i++) {
            int t = TYPES.indexOf(questions.get(i).error());
            e[t] = Math.max(e[t], evidence[i]);
        }
        return e;
    }

    /** "none" (correct) or the error type whose evidence exceeds its threshold most. */
    public static String verdict(double[] byType, double[] thresholds) {
        String best = "none";
        double margin = 0;
        for (int t = 0; t < TYPES.size(); t++) {
            double d = byType[t] - thresholds[t];
            if (d > margin) { margin = d; best = TYPES.get(t); }
        }
        return best;
    }

    /** The thresholds as a map from error type (for the metrics written). */
    public static Map<String, Double> named(double[] thresholds) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int t = 0; t < TYPES.size(); t++) m.put(TYPES.get(t), thresholds[t]);
        return m;
    }

    /**
     * Thresholds that maximise the accuracy of correct-vs-erroneous on labelled items (their evidence by type and their
     * true error, "none" for a correct report), ties broken by the accuracy of the error type: coordinate ascent from
     * "every report correct" (all thresholds +∞), each type's threshold tried at up to {@code levels} quantiles of its
     * evidence, until a round changes nothing.
     */
    public static double[] fit(List<double[]> byType, List<String> truth, int levels) {
        if (byType.size() != truth.size()) throw new IllegalArgumentException("fit: " + byType.size() + " items but " + truth.size() + " truths");
        double[] th = new double[TYPES.size()];
        Arrays.fill(th, Double.POSITIVE_INFINITY);
        long best = score(byType, truth, th);
        for (int round = 0; round < 20; round++) {
            boolean changed = false;
            for (int t = 0; t < TYPES.size(); t++) {
                for (double c : candidates(byType, t, levels)) {
                    double old = th[t];
                    th[t] = c;
                    long s = score(byType, truth, th);
                    if (s > best) { best = s; changed = true; } else th[t] = old;
                }
            }
            if (!changed) break;
        }
        return th;
    }

    /** Binary hits × (n+1) + error-type hits: binary accuracy first, the type's accuracy breaking ties. */
    static long score(List<double[]> byType, List<String> truth, double[] th) {
        long binary = 0, type = 0;
        for (int i = 0; i < truth.size(); i++) {
            String v = verdict(byType.get(i), th);
            if (v.equals("none") == truth.get(i).equals("none")) binary++;
            if (v.equals(truth.get(i))) type++;
        }
        return binary * (truth.size() + 1L) + type;
    }

    /** Midpoints between up to {@code levels} quantiles of a type's finite evidence, and +∞ (the type never called). */
    static List<Double> candidates(List<double[]> byType, int t, int levels) {
        double[] v = byType.stream().mapToDouble(e -> e[t]).filter(Double::isFinite).sorted().toArray();
        List<Double> out = new ArrayList<>();
        out.add(Double.POSITIVE_INFINITY);
        if (v.length == 0) return out;
        int k = Math.min(levels, v.length);
        for (int i = 0; i < k; i++) {
            int j = (int) ((long) i * (v.length - 1) / Math.max(1, k - 1));
            double next = j + 1 < v.length ? v[j + 1] : v[j] + 1;
            out.add((v[j] + next) / 2);
        }
        out.add(v[0] - 1);
        return out;
    }
}
