package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch normalisation over N,H,W per channel in training mode (Ioffe &amp; Szegedy 2015, Algorithm 1) and its
 * gradient. Strategy: one channel per item of a parallel range (channels share nothing); statistics and the
 * backward's two sums as float vectors over blocks of 8 vectors, each block's lanes added in a fixed order into a
 * double (so a float sum never runs over more than 8 values a lane; the same bits for any thread count);
 * two passes forward (mean, then Σ(x − mean)²) and two backward (the sums, then dx).
 */
final class CpuBatchNorm {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = S.length();

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
                double m = count == 0 ? 0 : channelSum(xs, xo, false, 0f, n, c, hw, ch) / count;
                double v = count == 0 ? 0 : channelSum(xs, xo, true, (float) m, n, c, hw, ch) / count; // Σ(x − m)²
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
                double[] sums = new double[2];
                for (int bi = 0; bi < n; bi++) gradientSums(gr, go + (bi * c + ch) * hw, xs, xo + (bi * c + ch) * hw, hw, mf, is, sums);
                double sg = sums[0], sgx = sums[1];
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

    /** Floats summed in float lanes before their lanes are added into a double: 8 vectors. */
    static final int BLOCK = 8 * VL;

    /**
     * Adds Σ g and Σ g·x̂ (x̂ = (x − mean)·invStd) over one row of hw values into sums[0] and sums[1]: two vector
     * accumulators over blocks of {@link #BLOCK} floats, each block's lanes added in a fixed order into the doubles.
     */
    private static void gradientSums(float[] g, int go, float[] x, int xo, int hw, float mean, float invStd, double[] sums) {
        double sg = sums[0], sgx = sums[1];
        FloatVector m = FloatVector.broadcast(S, mean), is = FloatVector.broadcast(S, invStd);
        int i = 0;
        while (hw - i >= VL) {
            int stop = i + Math.min(BLOCK, (hw - i) / VL * VL);
            FloatVector a = FloatVector.zero(S), b = FloatVector.zero(S);
            for (; i < stop; i += VL) {
                FloatVector gv = FloatVector.fromArray(S, g, go + i);
                a = a.add(gv);
                b = FloatVector.fromArray(S, x, xo + i).sub(m).mul(is).fma(gv, b);
            }
            sg += Simd.sumLanes(a);
            sgx += Simd.sumLanes(b);
        }
        for (; i < hw; i++) {
            float a = g[go + i];
            sg += a;
            sgx += a * ((x[xo + i] - mean) * invStd);
        }
        sums[0] = sg;
        sums[1] = sgx;
    }

    /**
     * Σ over channel ch of (a − shift)², or of a when squares is false: per row, float vectors over blocks of
     * {@link #BLOCK} floats whose lanes are added in a fixed order into a double (the same bits for any thread count).
     */
    private static double channelSum(float[] a, int ao, boolean squares, float shift, int n, int c, int hw, int ch) {
        double s = 0;
        FloatVector sh = FloatVector.broadcast(S, shift);
        for (int bi = 0; bi < n; bi++) {
            int p = ao + (bi * c + ch) * hw, i = 0;
            while (hw - i >= VL) {
                int stop = i + Math.min(BLOCK, (hw - i) / VL * VL);
                FloatVector acc = FloatVector.zero(S);
                for (; i < stop; i += VL) {
                    FloatVector v = FloatVector.fromArray(S, a, p + i);
                    acc = squares ? v.sub(sh).fma(v.sub(sh), acc) : acc.add(v);
                }
                s += Simd.sumLanes(acc);
            }
            for (; i < hw; i++) {
                float d = a[p + i] - shift;
                s += squares ? d * d : a[p + i];
            }
        }
        return s;
    }
}
