package dev.elixr.tasks.eval;

/** Per-feature standardisation (zero mean, unit variance on the training rows) before a probe. */
record Standardizer(double[] mean, double[] sd) {
    static Standardizer fit(float[][] x) {
        int d = x[0].length;
        double[] m = new double[d], s = new double[d];
        for (float[] r : x) for (int j = 0; j < d; j++) m[j] += r[j];
        for (int j = 0; j < d; j++) m[j] /= x.length;
        for (float[] r : x) for (int j = 0; j < d; j++) s[j] += (r[j] - m[j]) * (r[j] - m[j]);
        for (int j = 0; j < d; j++) s[j] = Math.max(Math.sqrt(s[j] / x.length), 1e-6);
        return new Standardizer(m, s);
    }

    double[][] apply(float[][] x) {
        double[][] out = new double[x.length][mean.length];
        for (int i = 0; i < x.length; i++)
            for (int j = 0; j < mean.length; j++) out[i][j] = (x[i][j] - mean[j]) / sd[j];
        return out;
    }
}
