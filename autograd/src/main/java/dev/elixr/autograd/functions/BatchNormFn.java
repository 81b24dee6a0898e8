package dev.elixr.autograd.functions;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/**
 * Batch normalisation over N,H,W per channel (Ioffe &amp; Szegedy 2015, Algorithm 1), composed of differentiable
 * ops (so the backward is theirs), updating the running statistics in place in training:
 * running = (1 − momentum)·running + momentum·batch, with the unbiased batch variance, as PyTorch.
 */
public final class BatchNormFn {
    private BatchNormFn() {}

    public static Var batchNorm2d(Var x, Var gamma, Var beta, Tensor runningMean, Tensor runningVar,
                                  boolean training, float momentum, float eps) {
        if (x.dim() != 4) throw new IllegalArgumentException("batchNorm2d: input " + x + " must be [N,C,H,W]");
        int c = x.size(1);
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

    private static void update(Tensor running, Tensor batch, float momentum, double correction) {
        float[] b = batch.toFloatArray();
        for (int i = 0; i < b.length; i++) {
            float r = running.getFlat(i);
            running.set((float) ((1 - momentum) * r + momentum * b[i] * correction), i);
        }
    }
}
