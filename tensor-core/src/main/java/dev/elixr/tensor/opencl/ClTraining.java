package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.AdamWStep;
import dev.elixr.tensor.backend.SgdStep;

/** Dropout masks (random.cl) and optimiser updates in place (optim.cl), one work-item per element. */
final class ClTraining {
    private final ClContext ctx;

    ClTraining(ClContext ctx) { this.ctx = ctx; }

    void dropoutMask(long seed, float p, Tensor out) {
        ClBuffer ob = ClArgs.buffer("dropoutMask", ctx, out);
        ClArgs.requireContiguous("dropoutMask", out);
        int total = out.numel();
        ctx.programs().kernel("random", "dropout_mask").run1d(total, total, (int) seed, (int) (seed >>> 32), p, 1f / (1 - p), ob, out.offset());
    }

    void adamW(Tensor w, Tensor g, Tensor m, Tensor v, AdamWStep s) {
        Tensor gd = ClArgs.dense(g);
        int total = w.numel();
        ctx.programs().kernel("optim", "adamw").run1d(total, total, s.weightDecay() != 0 ? 1 : 0, s.decay(), (float) s.beta1(), (float) s.beta2(),
                -s.stepSize(), s.bias2Sqrt(), (float) s.eps(), ClArgs.buffer("adamW", ctx, w), w.offset(), ClArgs.buffer("adamW", ctx, gd), gd.offset(),
                ClArgs.buffer("adamW", ctx, m), m.offset(), ClArgs.buffer("adamW", ctx, v), v.offset());
    }

    void sgd(Tensor w, Tensor g, Tensor buf, SgdStep s) {
        Tensor gd = ClArgs.dense(g);
        int total = w.numel();
        ctx.programs().kernel("optim", "sgd").run1d(total, total, (float) s.weightDecay(), (float) s.momentum(), (float) -s.lr(),
                buf == null ? 0 : 1, s.firstStep() ? 1 : 0, s.nesterov() ? 1 : 0, ClArgs.buffer("sgd", ctx, w), w.offset(),
                ClArgs.buffer("sgd", ctx, gd), gd.offset(), buf == null ? ctx.placeholder() : ClArgs.buffer("sgd", ctx, buf), buf == null ? 0 : buf.offset());
    }
}
