package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;

/**
 * Batch normalisation over N,H,W per channel in training mode (Ioffe &amp; Szegedy 2015, Algorithm 1) and its
 * gradient. Strategy: one channel per item of a parallel range (channels share nothing); statistics and the
 * backward's two sums in double with four accumulators each, added in a fixed order (the same bits for any thread count);
 * two passes forward (mean, then Σ(x − mean)²) and two backward (the sums, then dx).
 */
final class CpuBatchNorm {
    private CpuBatchNorm() {}

    static void forward(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out, Tensor mean, Tensor var) {
        Tensor xd = HostArrays.dense(x);
        int n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
        long count = (long) n * hw;
        float[] xs = xd.storage().array(), y = out.storage().array(), ms = mean.storage().array(), vs = var.storage().array();
        float[] gs = gamma == null ? null : HostArrays.dense(gamma).toFloatArray(), bs = beta == null ? null : HostArrays.dense(beta).toFloatArray();
        int xo = xd.offset(), yo = out.offset(), mo = mean.offset(), vo = var.offset();
        Parallel.forRange(c, 1, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double m = count == 0 ? 0 : channelSum(xs, xo, null, 0, 0, 0, n, c, hw, ch) / count;
                double v = count == 0 ? 0 : channelSum(xs, xo, xs, xo, m, m, n, c, hw, ch) / count; // Σ(x − m)²
                float mf = (float) m, is = (float) (1 / Math.sqrt(v + eps));
                ms[mo + ch] = mf;
                vs[vo + ch] = (float) v;
                float k = gs == null ? is : is * gs[ch], b = bs == null ? 0f : bs[ch];
                for (int bi = 0; bi < n; bi++)
                    for (int i = 0, o = (bi * c + ch) * hw; i < hw; i++) y[yo + o + i] = (xs[xo + o + i] - mf) * k + b;
            }
        });
    }

    static void backward(Tensor x, Tensor gamma, Tensor mean, Tensor var, float eps, Tensor g, Tensor dx, Tensor dgamma, Tensor dbeta) {
        Tensor xd = HostArrays.dense(x), gd = HostArrays.dense(g);
        int n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
        long count = (long) n * hw;
        float[] xs = xd.storage().array(), gr = gd.storage().array();
        float[] gs = gamma == null ? null : HostArrays.dense(gamma).toFloatArray();
        float[] ms = HostArrays.dense(mean).toFloatArray(), vs = HostArrays.dense(var).toFloatArray();
        float[] out = dx == null ? null : dx.storage().array();
        int xo = xd.offset(), go = gd.offset(), oo = dx == null ? 0 : dx.offset();
        float[] dG = new float[c], dB = new float[c];
        Parallel.forRange(c, 1, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                float mf = ms[ch], is = (float) (1 / Math.sqrt(vs[ch] + eps));
                double[] sums = new double[8];
                for (int bi = 0; bi < n; bi++) gradientSums(gr, go + (bi * c + ch) * hw, xs, xo + (bi * c + ch) * hw, hw, mf, is, sums);
                double sg = (sums[0] + sums[1]) + (sums[2] + sums[3]), sgx = (sums[4] + sums[5]) + (sums[6] + sums[7]);
                dB[ch] = (float) sg;
                dG[ch] = (float) sgx;
                if (out == null) continue;
                float k = gs == null ? is : is * gs[ch], a = (float) (sg / count), bc = (float) (sgx / count);
                for (int bi = 0; bi < n; bi++)
                    for (int i = 0, o = (bi * c + ch) * hw; i < hw; i++)
                        out[oo + o + i] = k * (gr[go + o + i] - a - (xs[xo + o + i] - mf) * is * bc);
            }
        });
        if (dgamma != null) System.arraycopy(dG, 0, dgamma.storage().array(), dgamma.offset(), c);
        if (dbeta != null) System.arraycopy(dB, 0, dbeta.storage().array(), dbeta.offset(), c);
    }

    /**
     * Adds Σ g and Σ g·x̂ (x̂ = (x − mean)·invStd) over one row of hw values into sums[0..3] and sums[4..7]: four
     * independent double accumulators each, so the adds do not wait on one another (one chain would cost an add's
     * latency per element); the caller combines them in a fixed order.
     */
    private static void gradientSums(float[] g, int go, float[] x, int xo, int hw, float mean, float invStd, double[] sums) {
        double g0 = sums[0], g1 = sums[1], g2 = sums[2], g3 = sums[3], h0 = sums[4], h1 = sums[5], h2 = sums[6], h3 = sums[7];
        int i = 0;
        for (; i + 3 < hw; i += 4) {
            float a = g[go + i], b = g[go + i + 1], c = g[go + i + 2], d = g[go + i + 3];
            g0 += a; g1 += b; g2 += c; g3 += d;
            h0 += a * ((x[xo + i] - mean) * invStd);
            h1 += b * ((x[xo + i + 1] - mean) * invStd);
            h2 += c * ((x[xo + i + 2] - mean) * invStd);
            h3 += d * ((x[xo + i + 3] - mean) * invStd);
        }
        for (; i < hw; i++) {
            float a = g[go + i];
            g0 += a;
            h0 += a * ((x[xo + i] - mean) * invStd);
        }
        sums[0] = g0; sums[1] = g1; sums[2] = g2; sums[3] = g3; sums[4] = h0; sums[5] = h1; sums[6] = h2; sums[7] = h3;
    }

    /** Σ over channel ch of (a − sa)·(b − sb), or of a when b is null; four double accumulators, summed in a fixed order. */
    private static double channelSum(float[] a, int ao, float[] b, int bo, double sa, double sb, int n, int c, int hw, int ch) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int bi = 0; bi < n; bi++) {
            int o = (bi * c + ch) * hw, i = 0, pa = ao + o, pb = bo + o;
            if (b == null) {
                for (; i + 3 < hw; i += 4) { s0 += a[pa + i]; s1 += a[pa + i + 1]; s2 += a[pa + i + 2]; s3 += a[pa + i + 3]; }
                for (; i < hw; i++) s0 += a[pa + i];
            } else {
                for (; i + 3 < hw; i += 4) {
                    s0 += (a[pa + i] - sa) * (b[pb + i] - sb);
                    s1 += (a[pa + i + 1] - sa) * (b[pb + i + 1] - sb);
                    s2 += (a[pa + i + 2] - sa) * (b[pb + i + 2] - sb);
                    s3 += (a[pa + i + 3] - sa) * (b[pb + i + 3] - sb);
                }
                for (; i < hw; i++) s0 += (a[pa + i] - sa) * (b[pb + i] - sb);
            }
        }
        return (s0 + s1) + (s2 + s3);
    }
}
