package dev.elixr.tasks.metrics;

import java.util.List;

/**
 * ROUGE-L (Lin 2004, §3.1) of one candidate against one reference: the longest common subsequence (LCS) of their
 * tokens, precision LCS/|candidate|, recall LCS/|reference|, and their F1 (β = 1, as Google's rouge-score reports
 * {@code fmeasure}); 0 when either is empty.
 */
public final class RougeL {
    private RougeL() {}

    public static double f1(List<String> candidate, List<String> reference) {
        if (candidate.isEmpty() || reference.isEmpty()) return 0;
        int lcs = lcs(candidate, reference);
        if (lcs == 0) return 0;
        double p = (double) lcs / candidate.size(), r = (double) lcs / reference.size();
        return 2 * p * r / (p + r);
    }

    /** Length of the longest common subsequence, by the classic dynamic programme in two rows. */
    public static int lcs(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1], cur = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++)
                cur[j] = a.get(i - 1).equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.size()];
    }
}
