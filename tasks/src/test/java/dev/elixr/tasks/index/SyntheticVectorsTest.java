package dev.elixr.tasks.index;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticVectorsTest {
    @Test
    void choleskyFactorReproducesASymmetricPositiveDefiniteMatrix() {
        int d = 7;
        SplittableRandom r = new SplittableRandom(3);
        double[][] a = new double[d][d], c = new double[d][d];
        for (double[] row : a) for (int j = 0; j < d; j++) row[j] = r.nextDouble(-1, 1);
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) for (int k = 0; k < d; k++) c[i][j] += a[i][k] * a[j][k];
        for (int i = 0; i < d; i++) c[i][i] += 0.5;
        double[][] l = SyntheticVectors.cholesky(c);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) s += l[i][k] * l[j][k];
                assertEquals(c[i][j] + (i == j ? 1e-9 : 0), s, 1e-12);
                if (j > i) assertEquals(0.0, l[i][j]);
            }
    }

    @Test
    void effectiveDimensionIsNearTheWidthForIsotropicVectorsAndNearTheRankForLowRankOnes() {
        double iso = SyntheticVectors.effectiveDimension(SyntheticVectors.isotropic(20_000, 32, 1));
        assertTrue(iso > 30 && iso <= 32, "isotropic: " + iso);
        double low = SyntheticVectors.effectiveDimension(SyntheticVectors.lowRank(5_000, 64, 3, 1, 0.0, 2));
        assertTrue(low < 3.01, "rank 3: " + low);
    }

    @Test
    void theFittedGaussianHasTheSamplesMeanAndCovariance() {
        float[][] sample = SyntheticVectors.lowRank(4_000, 48, 6, 10, 0.05, 4);
        float[][] fit = SyntheticVectors.gaussianLike(sample, 40_000, 5);
        double[] ms = mean(sample), mf = mean(fit);
        double[][] cs = SyntheticVectors.covariance(sample, ms), cf = SyntheticVectors.covariance(fit, mf);
        double scale = 0;
        for (int a = 0; a < 48; a++) scale = Math.max(scale, cs[a][a]);
        for (int a = 0; a < 48; a++) {
            assertEquals(ms[a], mf[a], 0.02 * Math.sqrt(scale), "mean " + a);
            for (int b = 0; b < 48; b++) assertEquals(cs[a][b], cf[a][b], 0.03 * scale, "covariance " + a + "," + b);
        }
        double ds = SyntheticVectors.effectiveDimension(sample), df = SyntheticVectors.effectiveDimension(fit);
        assertEquals(ds, df, 0.03 * ds, "effective dimension of the sample " + ds + ", of the fit " + df);
    }

    @Test
    void vectorsMatchingASampleAreUnitAndKeepItsMeanDirection() {
        float[][] sample = SyntheticVectors.lowRank(4_000, 48, 6, 10, 0.05, 4);
        float[][] fit = SyntheticVectors.matching(sample, 20_000, 5);
        double[] ms = mean(sample), mf = mean(fit);
        assertTrue(cosine(ms, mf) > 0.99, "mean directions differ: cosine " + cosine(ms, mf));
        for (float[] v : fit) {
            double n = 0;
            for (float x : v) n += x * x;
            assertEquals(1.0, n, 1e-5);
        }
    }

    static double[] mean(float[][] rows) {
        double[] m = new double[rows[0].length];
        for (float[] v : rows) for (int j = 0; j < m.length; j++) m[j] += v[j] / rows.length;
        return m;
    }

    static double cosine(double[] a, double[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
        return ab / Math.sqrt(aa * bb);
    }
}
