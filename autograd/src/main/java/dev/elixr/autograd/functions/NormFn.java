package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Norm;

/** Layer norm (Ba et al. 2016) and RMS norm (Zhang &amp; Sennrich 2019) over the last dimension, with backward. */
public final class NormFn {
    private NormFn() {}

    /**
     * Forward by the fused kernel; backward recomputes mean and 1/σ per row and applies
     * dx = (1/σ)·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)) with ĝ = g⊙γ, dγ = Σ g⊙x̂, dβ = Σ g.
     */
    public static Var layerNorm(Var x, Var gamma, Var beta, float eps) {
        Tensor xv = x.value(), gv = gamma == null ? null : gamma.value();
        Tensor y = Norm.layerNorm(xv, gv, beta == null ? null : beta.value(), eps);
        Var[] inputs = {x, gamma, beta};
        return Var.result("layerNorm", y, g -> backward(g, xv, gv, eps, false, x.requiresGrad(),
                gamma != null && gamma.requiresGrad(), beta != null && beta.requiresGrad()), inputs);
    }

    /** dx = r·(ĝ − x·r²·mean(ĝ⊙x)) with r = 1/√(mean(x²)+eps), ĝ = g⊙γ; dγ = Σ g⊙x·r. */
    public static Var rmsNorm(Var x, Var gamma, float eps) {
        Tensor xv = x.value(), gv = gamma == null ? null : gamma.value();
        Tensor y = Norm.rmsNorm(xv, gv, eps);
        Var[] inputs = {x, gamma};
        return Var.result("rmsNorm", y, g -> {
            Tensor[] r = backward(g, xv, gv, eps, true, x.requiresGrad(), gamma != null && gamma.requiresGrad(), false);
            return new Tensor[] {r[0], r[1]};
        }, inputs);
    }

    private static Tensor[] backward(Tensor gOut, Tensor x, Tensor gamma, float eps, boolean rms, boolean needX, boolean needGamma, boolean needBeta) {
        int d = x.size(-1), rows = x.numel() / Math.max(1, d);
        float[] xs = Host.read(x), gs = Host.read(gOut), gm = gamma == null ? null : Host.read(gamma);
        float[] dx = needX ? new float[xs.length] : null;
        double[] sums = RowChunks.run(rows, 2 * d, (from, to, partial) -> {
            double[] xhat = new double[d], gh = new double[d];
            for (int r = from; r < to; r++) {
                int o = r * d;
                double mean = 0;
                if (!rms) {
                    for (int i = 0; i < d; i++) mean += xs[o + i];
                    mean /= d;
                }
                double var = 0;
                for (int i = 0; i < d; i++) {
                    double c = xs[o + i] - mean;
                    var += c * c;
                }
                double rstd = 1 / Math.sqrt(var / d + eps);
                double mg = 0, mgx = 0;
                for (int i = 0; i < d; i++) {
                    double gi = gs[o + i];
                    xhat[i] = (xs[o + i] - mean) * rstd;
                    partial[i] += gi * xhat[i];
                    partial[d + i] += gi;
                    gh[i] = gm == null ? gi : gi * gm[i];
                    mg += gh[i];
                    mgx += gh[i] * xhat[i];
                }
                if (dx == null) continue;
                mg = rms ? 0 : mg / d;
                mgx /= d;
                for (int i = 0; i < d; i++) dx[o + i] = (float) (rstd * (gh[i] - mg - xhat[i] * mgx));
            }
        });
        Device dev = x.device();
        Tensor gx = dx == null ? null : Host.put(dx, x.shape(), dev);
        Tensor gg = needGamma ? Host.put(toFloat(sums, 0, d), new int[] {d}, dev) : null;
        Tensor gb = needBeta ? Host.put(toFloat(sums, d, d), new int[] {d}, dev) : null;
        return new Tensor[] {gx, gg, gb};
    }

    private static float[] toFloat(double[] v, int from, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) v[from + i];
        return f;
    }
}
