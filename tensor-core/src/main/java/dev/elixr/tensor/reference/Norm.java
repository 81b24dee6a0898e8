package dev.elixr.tensor.reference;

import dev.elixr.tensor.Tensor;

/** Reference layer norm and RMS norm over the last dimension, in double. */
public final class Norm {
    private Norm() {}

    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) { return norm(x, gamma, beta, eps, false); }

    public static Tensor rmsNorm(Tensor x, Tensor gamma, float eps) { return norm(x, gamma, null, eps, true); }

    private static Tensor norm(Tensor x, Tensor gamma, Tensor beta, float eps, boolean rms) {
        int d = x.size(-1), rows = x.numel() / Math.max(1, d);
        double[] out = new double[x.numel()];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            if (!rms) {
                for (int k = 0; k < d; k++) mean += x.getFlat(r * d + k);
                mean /= d;
            }
            for (int k = 0; k < d; k++) {
                double c = x.getFlat(r * d + k) - mean;
                var += c * c;
            }
            var /= d;
            for (int k = 0; k < d; k++) {
                double v = (x.getFlat(r * d + k) - mean) / Math.sqrt(var + eps);
                if (gamma != null) v *= gamma.getFlat(k);
                if (beta != null) v += beta.getFlat(k);
                out[r * d + k] = v;
            }
        }
        return Nd.tensor(out, x.shape());
    }

    /** {dx, dgamma, dbeta} of layerNorm, in double. */
    public static Tensor[] layerNormBackward(Tensor x, Tensor gamma, Tensor g, float eps) { return backward(x, gamma, g, eps, false); }

    /** {dx, dgamma} of rmsNorm, in double. */
    public static Tensor[] rmsNormBackward(Tensor x, Tensor gamma, Tensor g, float eps) {
        Tensor[] r = backward(x, gamma, g, eps, true);
        return new Tensor[] {r[0], r[1]};
    }

    private static Tensor[] backward(Tensor x, Tensor gamma, Tensor g, float eps, boolean rms) {
        int d = x.size(-1), rows = x.numel() / Math.max(1, d);
        double[] dx = new double[x.numel()], dg = new double[d], db = new double[d];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            if (!rms) {
                for (int k = 0; k < d; k++) mean += x.getFlat(r * d + k);
                mean /= d;
            }
            for (int k = 0; k < d; k++) var += (x.getFlat(r * d + k) - mean) * (x.getFlat(r * d + k) - mean);
            double rstd = 1 / Math.sqrt(var / d + eps), mg = 0, mgx = 0;
            for (int k = 0; k < d; k++) {
                double gi = g.getFlat(r * d + k), xh = (x.getFlat(r * d + k) - mean) * rstd, gh = gamma == null ? gi : gi * gamma.getFlat(k);
                dg[k] += gi * xh;
                db[k] += gi;
                mg += gh;
                mgx += gh * xh;
            }
            mg = rms ? 0 : mg / d;
            mgx /= d;
            for (int k = 0; k < d; k++) {
                double gi = g.getFlat(r * d + k), xh = (x.getFlat(r * d + k) - mean) * rstd, gh = gamma == null ? gi : gi * gamma.getFlat(k);
                dx[r * d + k] = rstd * (gh - mg - xh * mgx);
            }
        }
        return new Tensor[] {Nd.tensor(dx, x.shape()), Nd.tensor(dg, d), Nd.tensor(db, d)};
    }

    /** {out, mean, biased var} of batch norm in training mode over N,H,W per channel, in double. */
    public static Tensor[] batchNorm2d(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        double[] out = new double[x.numel()], mean = new double[c], var = new double[c];
        for (int ch = 0; ch < c; ch++) {
            for (int b = 0; b < n; b++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) mean[ch] += x.get(b, ch, i, j);
            mean[ch] /= n * h * w;
            for (int b = 0; b < n; b++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) var[ch] += Math.pow(x.get(b, ch, i, j) - mean[ch], 2);
            var[ch] /= n * h * w;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++) {
                        double y = (x.get(b, ch, i, j) - mean[ch]) / Math.sqrt(var[ch] + eps);
                        out[((b * c + ch) * h + i) * w + j] = y * (gamma == null ? 1 : gamma.get(ch)) + (beta == null ? 0 : beta.get(ch));
                    }
        }
        return new Tensor[] {Nd.tensor(out, x.shape()), Nd.tensor(mean, c), Nd.tensor(var, c)};
    }

    /** {dx, dgamma, dbeta} of batch norm in training mode, in double (Ioffe &amp; Szegedy 2015, §3). */
    public static Tensor[] batchNorm2dBackward(Tensor x, Tensor gamma, Tensor g, float eps) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), count = n * h * w;
        Tensor[] fwd = batchNorm2d(x, null, null, eps);
        double[] dx = new double[x.numel()], dg = new double[c], db = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double is = 1 / Math.sqrt(fwd[2].get(ch) + eps);
            for (int b = 0; b < n; b++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++) {
                        db[ch] += g.get(b, ch, i, j);
                        dg[ch] += g.get(b, ch, i, j) * (x.get(b, ch, i, j) - fwd[1].get(ch)) * is;
                    }
            double k = is * (gamma == null ? 1 : gamma.get(ch));
            for (int b = 0; b < n; b++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++) {
                        double xh = (x.get(b, ch, i, j) - fwd[1].get(ch)) * is;
                        dx[((b * c + ch) * h + i) * w + j] = k * (g.get(b, ch, i, j) - db[ch] / count - xh * dg[ch] / count);
                    }
        }
        return new Tensor[] {Nd.tensor(dx, x.shape()), Nd.tensor(dg, c), Nd.tensor(db, c)};
    }
}
