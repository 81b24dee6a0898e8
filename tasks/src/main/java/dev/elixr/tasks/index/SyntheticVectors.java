package dev.elixr.tasks.index;

import java.util.SplittableRandom;

/**
 * Seeded unit vectors for index tests and benchmarks: a mixture of Gaussian clusters around random unit centres (as
 * embeddings cluster by content), or with one cluster and no centre, isotropic directions (the hard case for HNSW), or
 * a Gaussian fitted to real embeddings (their mean and covariance, hence their eigen-spectrum).
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

    /**
     * n unit vectors drawn from the Gaussian with the mean and covariance of {@code sample} (rows), then L2-normalised:
     * synthetic vectors with the spectrum of real embeddings. The covariance's Cholesky factor carries a 1e-9 jitter
     * so that a rank-deficient sample still factors.
     */
    public static float[][] matching(float[][] sample, int n, long seed) {
        float[][] out = gaussianLike(sample, n, seed);
        for (float[] v : out) unit(v);
        return out;
    }

    /** n draws from the Gaussian with the mean and covariance of {@code sample}, not normalised. */
    static float[][] gaussianLike(float[][] sample, int n, long seed) {
        int m = sample.length, d = sample[0].length;
        if (m < 2) throw new IllegalArgumentException("a Gaussian fit needs at least 2 sample vectors, got " + m);
        double[] mean = new double[d];
        for (float[] v : sample) {
            if (v.length != d) throw new IllegalArgumentException("sample rows have " + v.length + " and " + d + " values");
            for (int j = 0; j < d; j++) mean[j] += v[j];
        }
        for (int j = 0; j < d; j++) mean[j] /= m;
        double[][] l = cholesky(covariance(sample, mean));
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[n][d];
        double[] z = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) z[j] = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
            for (int a = 0; a < d; a++) {
                double x = mean[a];
                for (int b = 0; b <= a; b++) x += l[a][b] * z[b];
                out[i][a] = (float) x;
            }
        }
        return out;
    }

    /** The sample covariance (denominator m - 1) of the rows around {@code mean}. */
    public static double[][] covariance(float[][] rows, double[] mean) {
        int d = mean.length;
        double[][] c = new double[d][d];
        for (float[] v : rows)
            for (int a = 0; a < d; a++) {
                double da = v[a] - mean[a];
                for (int b = 0; b <= a; b++) c[a][b] += da * (v[b] - mean[b]);
            }
        for (int a = 0; a < d; a++)
            for (int b = 0; b <= a; b++) c[b][a] = c[a][b] /= rows.length - 1;
        return c;
    }

    /** Lower-triangular L with L L^T = c + 1e-9 I (Cholesky-Banachiewicz). */
    static double[][] cholesky(double[][] c) {
        int d = c.length;
        double[][] l = new double[d][d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j <= i; j++) {
                double s = c[i][j] + (i == j ? 1e-9 : 0);
                for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
                if (i == j) {
                    if (s <= 0) throw new IllegalArgumentException("covariance is not positive definite at row " + i);
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        return l;
    }

    /**
     * The participation ratio (sum of eigenvalues)^2 / (sum of squared eigenvalues) of the rows' covariance, computed as
     * trace(C)^2 / ||C||_F^2: how many dimensions the vectors effectively spread over (1 to the width).
     */
    public static double effectiveDimension(float[][] rows) {
        int d = rows[0].length;
        double[] mean = new double[d];
        for (float[] v : rows) for (int j = 0; j < d; j++) mean[j] += v[j];
        for (int j = 0; j < d; j++) mean[j] /= rows.length;
        double[][] c = covariance(rows, mean);
        double trace = 0, frob = 0;
        for (int a = 0; a < d; a++) {
            trace += c[a][a];
            for (int b = 0; b < d; b++) frob += c[a][b] * c[a][b];
        }
        return trace * trace / frob;
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
