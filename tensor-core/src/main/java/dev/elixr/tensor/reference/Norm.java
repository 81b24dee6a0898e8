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
}
