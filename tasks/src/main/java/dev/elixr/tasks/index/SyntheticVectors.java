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

    /**
     * Unit vectors of low intrinsic dimension, as learned embeddings are: points of {@code clusters} Gaussian clusters in
     * a {@code latent}-dimensional space, mapped to width {@code dim} by one random Gaussian matrix, plus isotropic
     * noise of standard deviation {@code noise} per coordinate.
     */
    public static float[][] lowRank(int n, int dim, int latent, int clusters, double noise, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] map = new float[latent][];
        for (int l = 0; l < latent; l++) map[l] = gaussian(r, dim, Math.sqrt(dim), null);
        float[][] centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) centres[c] = gaussian(r, latent, Math.sqrt(latent), null);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] z = gaussian(r, latent, 0.5 * Math.sqrt(latent), centres[r.nextInt(clusters)]);
            float[] v = gaussian(r, dim, noise * Math.sqrt(dim), null);
            for (int l = 0; l < latent; l++) for (int j = 0; j < dim; j++) v[j] += z[l] * map[l][j];
            out[i] = unit(v);
        }
        return out;
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
