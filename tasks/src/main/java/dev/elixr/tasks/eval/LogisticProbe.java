package dev.elixr.tasks.eval;

/**
 * L2-regularised logistic regression per finding (the linear probe), fitted by Newton's method (IRLS) on
 * standardised features: minimises sum log-loss + (lambda/2)|w|^2 with the bias unpenalised, as scikit-learn's
 * {@code LogisticRegression(C = 1/lambda)}. A finding whose training labels hold one class only predicts that
 * class's rate (a constant: AUC 0.5).
 */
public final class LogisticProbe implements Probe {
    private final double lambda;
    private final int maxIterations;

    public LogisticProbe(double lambda, int maxIterations) {
        this.lambda = lambda;
        this.maxIterations = maxIterations;
    }

    public LogisticProbe() {
        this(1.0, 50);
    }

    @Override public String name() {
        return "logistic";
    }

    @Override
    public double[][] fitPredict(float[][] x, double[][] y, float[][] test, long seed) {
        Standardizer st = Standardizer.fit(x);
        double[][] xs = st.apply(x), ts = st.apply(test);
        int findings = y[0].length;
        double[][] out = new double[test.length][findings];
        for (int f = 0; f < findings; f++) {
            double[] w = fitOne(xs, y, f);
            for (int i = 0; i < ts.length; i++) out[i][f] = sigmoid(linear(w, ts[i]));
        }
        return out;
    }

    /** Weights (last entry: bias) for finding column {@code f}. */
    double[] fitOne(double[][] x, double[][] y, int f) {
        int d = x[0].length, p = d + 1;
        int n = 0, pos = 0;
        for (double[] row : y) if (!Double.isNaN(row[f])) { n++; if (row[f] == 1) pos++; }
        double[] w = new double[p];
        if (n == 0) return w;
        if (pos == 0 || pos == n) {
            w[d] = pos == 0 ? -20 : 20; // a constant prediction: the only class seen
            return w;
        }
        for (int it = 0; it < maxIterations; it++) {
            double[] g = new double[p];
            double[][] h = new double[p][p];
            for (int i = 0; i < x.length; i++) {
                double yi = y[i][f];
                if (Double.isNaN(yi)) continue;
                double[] xi = x[i];
                double mu = sigmoid(linear(w, xi));
                double r = mu - yi, s = Math.max(mu * (1 - mu), 1e-10);
                accumulate(xi, d, r, s, g, h);
            }
            for (int a = 0; a < d; a++) { g[a] += lambda * w[a]; h[a][a] += lambda; }
            h[d][d] += 1e-8;
            for (int a = 0; a < p; a++) for (int b = 0; b < a; b++) h[b][a] = h[a][b];
            double[] step = Cholesky.solve(h, g);
            double max = 0;
            for (int a = 0; a < p; a++) { w[a] -= step[a]; max = Math.max(max, Math.abs(step[a])); }
            if (max < 1e-8) break;
        }
        return w;
    }

    /**
     * One sample's terms of the gradient and the lower triangle of the Hessian: g += r·[x, 1], H += s·[x, 1][x, 1]ᵀ. The
     * feature rows and the bias row apart, so that the inner loop is a plain multiply-add over x that C2 vectorises (a
     * feature-or-bias test per term kept it scalar: a fifth of the demo's probe evaluation); the same products added in
     * the same order (r·1 = r and s·1 = s exactly), so the same bits.
     */
    private static void accumulate(double[] xi, int d, double r, double s, double[] g, double[][] h) {
        for (int a = 0; a < d; a++) {
            double xa = xi[a], sxa = s * xa;
            g[a] += r * xa;
            double[] ha = h[a];
            for (int b = 0; b <= a; b++) ha[b] += sxa * xi[b];
        }
        g[d] += r;
        double[] hd = h[d];
        for (int b = 0; b < d; b++) hd[b] += s * xi[b];
        hd[d] += s;
    }

    static double linear(double[] w, double[] x) {
        double z = w[x.length];
        for (int a = 0; a < x.length; a++) z += w[a] * x[a];
        return z;
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
