package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.SoftmaxMode;

/** Softmax, layer norm and RMS norm (softmax.cl, norm.cl): one work-group per row, reductions in local memory. */
final class ClNorm {
    private final ClContext ctx;

    ClNorm(ClContext ctx) { this.ctx = ctx; }

    void softmax(SoftmaxMode mode, Tensor x, int axis, Tensor out) {
        boolean log = mode == SoftmaxMode.LOG_SOFTMAX;
        String op = log ? "logSoftmax" : "softmax";
        ClBuffer xb = ClArgs.buffer(op, ctx, x), ob = ClArgs.buffer(op, ctx, out);
        int n = x.size(axis);
        if (out.numel() == 0) return;
        int rows = out.numel() / n;
        int wg = ctx.programs().workGroup();
        ctx.programs().kernel("softmax", "softmax_rows").launch(new long[] {(long) rows * wg}, new long[] {wg},
                log ? 1 : 0, n, ClArgs.rowsExcept(x, axis), x.stride(axis), xb, ClArgs.rowsExcept(out, axis), out.stride(axis), ob);
    }

    void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) {
        ClBuffer xb = ClArgs.buffer("layerNorm", ctx, x), ob = ClArgs.buffer("layerNorm", ctx, out);
        ClArgs.requireContiguous("layerNorm", out);
        if (out.numel() == 0) return;
        int n = x.size(-1), rows = x.numel() / n;
        int wg = ctx.programs().workGroup();
        ctx.programs().kernel("norm", "layer_norm").launch(new long[] {(long) rows * wg}, new long[] {wg},
                n, ClArgs.dims(x, 0, x.dim() - 1, x.offset()), x.stride(-1), xb, eps,
                gamma == null ? 0 : 1, gamma == null ? ctx.placeholder() : ClArgs.buffer("layerNorm gamma", ctx, gamma),
                gamma == null ? 0 : gamma.offset(), gamma == null ? 0 : gamma.stride(-1),
                beta == null ? 0 : 1, beta == null ? ctx.placeholder() : ClArgs.buffer("layerNorm beta", ctx, beta),
                beta == null ? 0 : beta.offset(), beta == null ? 0 : beta.stride(-1),
                ob, out.offset());
    }

    void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) {
        ClBuffer xb = ClArgs.buffer("rmsNorm", ctx, x), ob = ClArgs.buffer("rmsNorm", ctx, out);
        ClArgs.requireContiguous("rmsNorm", out);
        if (out.numel() == 0) return;
        int n = x.size(-1), rows = x.numel() / n;
        int wg = ctx.programs().workGroup();
        ctx.programs().kernel("norm", "rms_norm").launch(new long[] {(long) rows * wg}, new long[] {wg},
                n, ClArgs.dims(x, 0, x.dim() - 1, x.offset()), x.stride(-1), xb, eps,
                gamma == null ? 0 : 1, gamma == null ? ctx.placeholder() : ClArgs.buffer("rmsNorm gamma", ctx, gamma),
                gamma == null ? 0 : gamma.offset(), gamma == null ? 0 : gamma.stride(-1),
                ob, out.offset());
    }

    /** Softmax / log-softmax gradient along axis, one work-group per line (softmax.cl softmax_backward). */
    void softmaxBackward(SoftmaxMode mode, Tensor y, Tensor g, int axis, Tensor dx) {
        Tensor yd = ClArgs.dense(y), gd = ClArgs.dense(g);
        ClBuffer yb = ClArgs.buffer("softmaxBackward", ctx, yd), gb = ClArgs.buffer("softmaxBackward", ctx, gd),
                db = ClArgs.buffer("softmaxBackward", ctx, dx);
        ClArgs.requireContiguous("softmaxBackward", dx);
        if (dx.numel() == 0) return;
        int n = y.size(axis), inner = 1;
        for (int d = axis + 1; d < y.dim(); d++) inner *= y.size(d);
        int wg = ctx.programs().workGroup();
        ctx.programs().kernel("softmax", "softmax_backward").launch(new long[] {(long) (dx.numel() / n) * wg}, new long[] {wg},
                mode == SoftmaxMode.LOG_SOFTMAX ? 1 : 0, n, inner, yb, yd.offset(), gb, gd.offset(), db, dx.offset());
    }

    /** Layer-norm (rms false) or RMS-norm gradients: rows kernel (dx and row statistics), then the columns kernel. */
    void normBackward(boolean rms, Tensor x, Tensor gamma, Tensor g, float eps, Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = rms ? "rmsNormBackward" : "layerNormBackward";
        Tensor xd = ClArgs.dense(x), gd = ClArgs.dense(g);
        ClBuffer xb = ClArgs.buffer(op, ctx, xd), gb = ClArgs.buffer(op, ctx, gd);
        int n = x.size(-1), rows = n == 0 ? 0 : x.numel() / n;
        ClBuffer stats = ctx.allocateUninitialised(Math.max(2, 2L * rows));
        int wg = ctx.programs().workGroup();
        if (rows > 0) {
            ctx.programs().kernel("norm", "norm_backward_rows").launch(new long[] {(long) rows * wg}, new long[] {wg},
                    rms ? 1 : 0, n, eps, xb, xd.offset(), gb, gd.offset(),
                    gamma == null ? 0 : 1, gamma == null ? ctx.placeholder() : ClArgs.buffer(op + " gamma", ctx, gamma),
                    gamma == null ? 0 : gamma.offset(), gamma == null ? 0 : gamma.stride(0),
                    stats, dx == null ? 0 : 1, dx == null ? ctx.placeholder() : ClArgs.buffer(op, ctx, dx), dx == null ? 0 : dx.offset());
        }
        if (dgamma != null || dbeta != null) {
            ctx.programs().kernel("norm", "norm_backward_columns").run1d(n, rows, n, xb, xd.offset(), gb, gd.offset(), stats,
                    dgamma == null ? 0 : 1, dgamma == null ? ctx.placeholder() : ClArgs.buffer(op, ctx, dgamma), dgamma == null ? 0 : dgamma.offset(),
                    dbeta == null ? 0 : 1, dbeta == null ? ctx.placeholder() : ClArgs.buffer(op, ctx, dbeta), dbeta == null ? 0 : dbeta.offset());
        }
    }

    /** Batch norm in training mode: statistics (one work-group per channel), then the elementwise normalisation. */
    void batchNorm2d(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out, Tensor mean, Tensor var) {
        Tensor xd = ClArgs.dense(x);
        ClBuffer xb = ClArgs.buffer("batchNorm2d", ctx, xd), ob = ClArgs.buffer("batchNorm2d", ctx, out),
                mb = ClArgs.buffer("batchNorm2d", ctx, mean), vb = ClArgs.buffer("batchNorm2d", ctx, var);
        int n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3), wg = ctx.programs().workGroup();
        if (c == 0) return;
        ctx.programs().kernel("norm", "batch_norm_stats").launch(new long[] {(long) c * wg}, new long[] {wg},
                n, c, hw, xb, xd.offset(), mb, mean.offset(), vb, var.offset());
        int total = out.numel();
        ctx.programs().kernel("norm", "batch_norm_apply").run1d(total, total, c, Math.max(1, hw), eps, xb, xd.offset(), mb, mean.offset(), vb, var.offset(),
                gamma == null ? 0 : 1, gamma == null ? ctx.placeholder() : ClArgs.buffer("batchNorm2d gamma", ctx, gamma),
                gamma == null ? 0 : gamma.offset(), gamma == null ? 0 : gamma.stride(0),
                beta == null ? 0 : 1, beta == null ? ctx.placeholder() : ClArgs.buffer("batchNorm2d beta", ctx, beta),
                beta == null ? 0 : beta.offset(), beta == null ? 0 : beta.stride(0), ob, out.offset());
    }

    /** Batch-norm gradients: per-channel sums (one work-group per channel), then dx elementwise and the parameter copies. */
    void batchNorm2dBackward(Tensor x, Tensor gamma, Tensor mean, Tensor var, float eps, Tensor g, Tensor dx, Tensor dgamma, Tensor dbeta) {
        Tensor xd = ClArgs.dense(x), gd = ClArgs.dense(g), md = ClArgs.dense(mean), vd = ClArgs.dense(var);
        ClBuffer xb = ClArgs.buffer("batchNorm2dBackward", ctx, xd), gb = ClArgs.buffer("batchNorm2dBackward", ctx, gd),
                mb = ClArgs.buffer("batchNorm2dBackward", ctx, md), vb = ClArgs.buffer("batchNorm2dBackward", ctx, vd);
        int n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3), wg = ctx.programs().workGroup();
        if (c == 0) return;
        ClBuffer sums = ctx.allocateUninitialised(2L * c);
        ctx.programs().kernel("norm", "batch_norm_backward_sums").launch(new long[] {(long) c * wg}, new long[] {wg},
                n, c, hw, eps, xb, xd.offset(), gb, gd.offset(), mb, md.offset(), vb, vd.offset(), sums);
        if (dx != null && dx.numel() > 0) {
            int total = dx.numel();
            ctx.programs().kernel("norm", "batch_norm_backward_dx").run1d(total, total, c, Math.max(1, hw), eps, xb, xd.offset(), gb, gd.offset(),
                    mb, md.offset(), vb, vd.offset(), gamma == null ? 0 : 1,
                    gamma == null ? ctx.placeholder() : ClArgs.buffer("batchNorm2dBackward gamma", ctx, gamma),
                    gamma == null ? 0 : gamma.offset(), gamma == null ? 0 : gamma.stride(0), sums, ClArgs.buffer("batchNorm2dBackward", ctx, dx), dx.offset());
        }
        if (dgamma != null || dbeta != null) {
            ctx.programs().kernel("norm", "batch_norm_backward_params").run1d(c, c, sums,
                    dgamma == null ? 0 : 1, dgamma == null ? ctx.placeholder() : ClArgs.buffer("batchNorm2dBackward", ctx, dgamma), dgamma == null ? 0 : dgamma.offset(),
                    dbeta == null ? 0 : 1, dbeta == null ? ctx.placeholder() : ClArgs.buffer("batchNorm2dBackward", ctx, dbeta), dbeta == null ? 0 : dbeta.offset());
        }
    }
}
