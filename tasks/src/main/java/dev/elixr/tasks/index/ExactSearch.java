package dev.elixr.tasks.index;

import java.util.Arrays;

/** Brute-force nearest neighbours by dot product in double precision: the ground truth HNSW recall is measured against. */
public final class ExactSearch {
    private ExactSearch() {}

    /** Row indices of the k rows of {@code base} with the largest dot product with {@code query}, best first (ties: lower row). */
    public static int[] topK(float[][] base, float[] query, int k) {
        int n = base.length, m = Math.min(k, n);
        double[] best = new double[m];
        int[] rows = new int[m];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        Arrays.fill(rows, -1);
        for (int r = 0; r < n; r++) {
            double s = dot(base[r], query);
            if (s <= best[m - 1]) continue;
            int p = m - 1;
            while (p > 0 && s > best[p - 1]) { best[p] = best[p - 1]; rows[p] = rows[p - 1]; p--; }
            best[p] = s;
            rows[p] = r;
        }
        return rows;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /** Recall@k: the fraction of the exact top-k ids found among the approximate top-k. */
    public static double recall(int[] exact, int[] approx) {
        int hit = 0;
        for (int e : exact) for (int a : approx) if (a == e) { hit++; break; }
        return exact.length == 0 ? 1.0 : (double) hit / exact.length;
    }
}
