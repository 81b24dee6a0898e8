package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Tensor;

/**
 * Gradients of layer norm (Ba et al. 2016) and RMS norm (Zhang &amp; Sennrich 2019) over the last dimension, the row
 * statistics recomputed in double. Strategy: rows split into a fixed number of chunks ({@link RowChunks}) run in
 * parallel, each with its own double partial sums for dgamma/dbeta, added in chunk order, so parameter gradients do
 * not depend on the thread count; scalar loops (two passes per row; the row fits in L1 at model widths).
 */
final class CpuNormBackward {
    private CpuNormBackward() {}

    static void backward(Tensor x, Tensor gamma, Tensor g, float eps, boolean rms, Tensor dx, Tensor dgamma, Tensor dbeta) {
        int d = x.size(-1), rows = x.numel() / Math.max(1, d);
        if (rows == 0 || d == 0) {
            if (dgamma != null) java.util.Arrays.fill(dgamma.storage().array(), dgamma.offset(), dgamma.offset() + d, 0f);
            if (dbeta != null) java.util.Arrays.fill(dbeta.storage().array(), dbeta.offset(), dbeta.offset() + d, 0f);
            return;
        }
        Tensor xd = HostArrays.dense(x), gd = HostArrays.dense(g);
        float[] xs = xd.storage().array(), gs = gd.storage().array(), gm = gamma == null ? null : HostArrays.dense(gamma).toFloatArray();
        int xo = xd.offset(), go = gd.offset();
        float[] out = dx == null ? null : dx.storage().array();
        int oo = dx == null ? 0 : dx.offset();
        double[] sums = RowChunks.run(rows, 2 * d, (from, to, partial) -> {
            double[] xhat = new double[d], gh = new double[d];
            for (int r = from; r < to; r++) {
                int o = r * d;
                double mean = 0;
                if (!rms) {
                    for (int i = 0; i < d; i++) mean += xs[xo + o + i];
                    mean /= d;
                }
                double var = 0;
                for (int i = 0; i < d; i++) {
                    double c = xs[xo + o + i] - mean;
                    var += c * c;
                }
                double rstd = 1 / Math.sqrt(var / d + eps);
                double mg = 0, mgx = 0;
                for (int i = 0; i < d; i++) {
                    double gi = gs[go + o + i];
                    xhat[i] = (xs[xo + o + i] - mean) * rstd;
                    partial[i] += gi * xhat[i];
                    partial[d + i] += gi;
                    gh[i] = gm == null ? gi : gi * gm[i];
                    mg += gh[i];
                    mgx += gh[i] * xhat[i];
                }
                if (out == null) continue;
                mg = rms ? 0 : mg / d;
                mgx /= d;
                for (int i = 0; i < d; i++) out[oo + o + i] = (float) (rstd * (gh[i] - mg - xhat[i] * mgx));
            }
        });
        if (dgamma != null) for (int i = 0; i < d; i++) dgamma.storage().array()[dgamma.offset() + i] = (float) sums[i];
        if (dbeta != null) for (int i = 0; i < d; i++) dbeta.storage().array()[dbeta.offset() + i] = (float) sums[d + i];
    }
}
