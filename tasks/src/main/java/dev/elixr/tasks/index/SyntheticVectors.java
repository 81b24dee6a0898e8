package dev.elixr.tasks.index;

import java.util.SplittableRandom;

/**
 * Seeded unit vectors for index tests and benchmarks: a mixture of Gaussian clusters around random unit centres (as
 * embeddings cluster by content), or with one cluster and no centre, isotropic directions (the hard case for HNSW).
 */
public final class SyntheticVectors {
    private SyntheticVectors() {}

    /** n unit vectors of width dim around {@code clusters} random unit centres, each offset by N(0, spread^2 / dim) per coordinate. */
    public static float[][] clustered(int n, int dim, int clusters, double spread, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) centres[c] = unit(gaussian(r, dim, 1.0, null));
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) out[i] = unit(gaussian(r, dim, spread, centres[r.nextInt(clusters)]));
        return out;
    }

    private static float[] gaussian(SplittableRandom r, int dim, double sd, float[] mean) {
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
            double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
            v[j] = (float) ((mean == null ? 0 : mean[j]) + sd * g / Math.sqrt(dim));
        }
        return v;
    }

    /** Isotropic random unit vectors. */
    public static float[][] isotropic(int n, int dim, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) out[i] = unit(gaussian(r, dim, 1.0, null));
        return out;
    }

    static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        float inv = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) v[i] *= inv;
        return v;
    }
}
