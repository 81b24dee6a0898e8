package dev.elixr.autograd.functions;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;

/**
 * Batch normalisation over N,H,W per channel (Ioffe &amp; Szegedy 2015, Algorithm 1), updating the running statistics
 * in place in training: running = (1 − momentum)·running + momentum·batch, with the unbiased batch variance, as
 * PyTorch. Training on the CPU is one fused op (statistics in double, two passes forward, two backward:
 * dx = γ/σ·(g − mean(g) − x̂·mean(g·x̂)), Algorithm 1's backward); elsewhere, and in eval mode, it is composed of
 * differentiable ops (so the backward is theirs).
 */
public final class BatchNormFn {
    private BatchNormFn() {}

    public static Var batchNorm2d(Var x, Var gamma, Var beta, Tensor runningMean, Tensor runningVar,
                                  boolean training, float momentum, float eps) {
        if (x.dim() != 4) throw new IllegalArgumentException("batchNorm2d: input " + x + " must be [N,C,H,W]");
        int c = x.size(1);
        if (training && x.value().device().equals(Device.CPU)) return fusedTraining(x, gamma, beta, runningMean, runningVar, momentum, eps);
        Var y;
        if (training) {
            Var mean = x.mean(true, 0, 2, 3);
            Var centered = x.sub(mean);
            Var var = centered.square().mean(true, 0, 2, 3);
            y = centered.mul(var.add(eps).rsqrt());
            if (runningMean != null && runningVar != null) {
                long count = (long) x.size(0) * x.size(2) * x.size(3);
                update(runningMean, mean.value(), momentum, 1.0);
                update(runningVar, var.value(), momentum, count > 1 ? (double) count / (count - 1) : 1.0);
            }
        } else {
            if (runningMean == null || runningVar == null) throw new IllegalArgumentException("batchNorm2d: eval mode needs running statistics");
            Tensor shift = runningMean.reshape(1, c, 1, 1);
            Var scale;
            try (var g = GradMode.noGrad()) {
                scale = Var.of(runningVar.reshape(1, c, 1, 1)).add(eps).rsqrt();
            }
            y = x.sub(Var.of(shift)).mul(scale);
        }
        if (gamma != null) y = y.mul(gamma.view(1, c, 1, 1));
        if (beta != null) y = y.add(beta.view(1, c, 1, 1));
        return y;
    }

    /** Training mode on host arrays: per channel, in parallel over channels; sums in double in a fixed order. */
    private static Var fusedTraining(Var x, Var gamma, Var beta, Tensor runningMean, Tensor runningVar, float momentum, float eps) {
        Tensor xv = x.value();
        int n = xv.size(0), c = xv.size(1), hw = xv.size(2) * xv.size(3);
        long count = (long) n * hw;
        float[] xs = Host.read(xv), gs = gamma == null ? null : Host.read(gamma.value()), bs = beta == null ? null : Host.read(beta.value());
        float[] mean = new float[c], var = new float[c], invStd = new float[c], y = new float[xs.length];
        Parallel.forRange(c, 1, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double m = channelSum(xs, null, 0, 0, n, c, hw, ch) / count;
                double v = channelSum(xs, xs, m, m, n, c, hw, ch) / count; // Σ(x − m)²
                float mf = (float) m, is = (float) (1 / Math.sqrt(v + eps));
                mean[ch] = mf;
                var[ch] = (float) v;
                invStd[ch] = is;
                float k = gs == null ? is : is * gs[ch], b = bs == null ? 0f : bs[ch];
                for (int bi = 0; bi < n; bi++)
                    for (int i = 0, o = (bi * c + ch) * hw; i < hw; i++) y[o + i] = (xs[o + i] - mf) * k + b;
            }
        });
        if (runningMean != null && runningVar != null) {
            update(runningMean, Tensor.wrap(mean, c), momentum, 1.0);
            update(runningVar, Tensor.wrap(var, c), momentum, count > 1 ? (double) count / (count - 1) : 1.0);
        }
        java.util.List<Var> in = new java.util.ArrayList<>(java.util.List.of(x));
        if (gamma != null) in.add(gamma);
        if (beta != null) in.add(beta);
        return Var.result("batchNorm2d", Tensor.wrap(y, xv.shape()), g -> {
            float[] gr = Host.read(g), dx = x.requiresGrad() ? new float[xs.length] : null;
            float[] dGamma = new float[c], dBeta = new float[c];
            Parallel.forRange(c, 1, (from, to) -> {
                for (int ch = from; ch < to; ch++) {
                    float mf = mean[ch], is = invStd[ch];
                    double sg = 0, sgx = 0;
                    for (int bi = 0; bi < n; bi++)
                        for (int i = 0, o = (bi * c + ch) * hw; i < hw; i++) {
                            sg += gr[o + i];
                            sgx += gr[o + i] * ((xs[o + i] - mf) * is);
                        }
                    dBeta[ch] = (float) sg;
                    dGamma[ch] = (float) sgx;
                    if (dx == null) continue;
                    float k = gs == null ? is : is * gs[ch], a = (float) (sg / count), bc = (float) (sgx / count);
                    for (int bi = 0; bi < n; bi++)
                        for (int i = 0, o = (bi * c + ch) * hw; i < hw; i++) dx[o + i] = k * (gr[o + i] - a - (xs[o + i] - mf) * is * bc);
                }
            });
            Tensor[] grads = new Tensor[in.size()];
            grads[0] = dx == null ? null : Tensor.wrap(dx, xv.shape());
            int j = 1;
            if (gamma != null) grads[j++] = gamma.requiresGrad() ? Tensor.wrap(dGamma, gamma.value().shape()) : null;
            if (beta != null) grads[j] = beta.requiresGrad() ? Tensor.wrap(dBeta, beta.value().shape()) : null;
            return grads;
        }, in.toArray(Var[]::new));
    }

    /** Σ over channel ch of (a − sa)·(b − sb), or of a when b is null; four double accumulators, summed in a fixed order. */
    private static double channelSum(float[] a, float[] b, double sa, double sb, int n, int c, int hw, int ch) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int bi = 0; bi < n; bi++) {
            int o = (bi * c + ch) * hw, i = 0;
            if (b == null) {
                for (; i + 3 < hw; i += 4) { s0 += a[o + i]; s1 += a[o + i + 1]; s2 += a[o + i + 2]; s3 += a[o + i + 3]; }
                for (; i < hw; i++) s0 += a[o + i];
            } else {
                for (; i + 3 < hw; i += 4) {
                    s0 += (a[o + i] - sa) * (b[o + i] - sb);
                    s1 += (a[o + i + 1] - sa) * (b[o + i + 1] - sb);
                    s2 += (a[o + i + 2] - sa) * (b[o + i + 2] - sb);
                    s3 += (a[o + i + 3] - sa) * (b[o + i + 3] - sb);
                }
                for (; i < hw; i++) s0 += (a[o + i] - sa) * (b[o + i] - sb);
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void update(Tensor running, Tensor batch, float momentum, double correction) {
        float[] b = batch.toFloatArray();
        for (int i = 0; i < b.length; i++) {
            float r = running.getFlat(i);
            running.set((float) ((1 - momentum) * r + momentum * b[i] * correction), i);
        }
    }
}
