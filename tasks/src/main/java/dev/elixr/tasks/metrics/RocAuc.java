package dev.elixr.tasks.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Area under the ROC curve (Hanley &amp; McNeil 1982) computed as the Mann–Whitney U statistic with
 * mid-ranks, so tied scores count one half, exactly as scikit-learn's {@code roc_auc_score}.
 * Labels are 0 or 1; any other value (CheXpert -1, NaN for blank) must be filtered out by the caller.
 */
public final class RocAuc {
    private RocAuc() {}

    /** AUC of {@code scores} against binary {@code labels}; NaN when one class is absent. */
    public static double auc(double[] labels, double[] scores) {
        check(labels, scores);
        int n = labels.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double rankSumPos = 0;
        long nPos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
            double midRank = (i + j) / 2.0 + 1.0; // 1-based mid-rank of the tie group
            for (int t = i; t <= j; t++) {
                if (labels[order[t]] == 1.0) { rankSumPos += midRank; nPos++; }
            }
            i = j + 1;
        }
        long nNeg = n - nPos;
        if (nPos == 0 || nNeg == 0) return Double.NaN;
        return (rankSumPos - nPos * (nPos + 1) / 2.0) / ((double) nPos * nNeg);
    }

    /** The ROC curve as (fpr, tpr) points at every distinct threshold, from (0,0) to (1,1), like sklearn's
     *  {@code roc_curve(drop_intermediate=False)}. Returns {fpr[], tpr[], thresholds[]}. */
    public static double[][] curve(double[] labels, double[] scores) {
        check(labels, scores);
        int n = labels.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        double pos = 0;
        for (double l : labels) pos += l;
        double neg = n - pos;
        double[] fpr = new double[n + 1], tpr = new double[n + 1], thr = new double[n + 1];
        thr[0] = Double.POSITIVE_INFINITY;
        int m = 1;
        double tp = 0, fp = 0;
        for (int i = 0; i < n; i++) {
            if (labels[order[i]] == 1.0) tp++; else fp++;
            if (i + 1 < n && scores[order[i + 1]] == scores[order[i]]) continue;
            fpr[m] = neg == 0 ? Double.NaN : fp / neg;
            tpr[m] = pos == 0 ? Double.NaN : tp / pos;
            thr[m] = scores[order[i]];
            m++;
        }
        return new double[][] {Arrays.copyOf(fpr, m), Arrays.copyOf(tpr, m), Arrays.copyOf(thr, m)};
    }

    private static void check(double[] labels, double[] scores) {
        if (labels.length != scores.length)
            throw new IllegalArgumentException("RocAuc: " + labels.length + " labels but " + scores.length + " scores");
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0.0 && labels[i] != 1.0)
                throw new IllegalArgumentException("RocAuc: label " + i + " is " + labels[i] + ", expected 0 or 1");
            if (Double.isNaN(scores[i]))
                throw new IllegalArgumentException("RocAuc: score " + i + " is NaN");
        }
    }
}
