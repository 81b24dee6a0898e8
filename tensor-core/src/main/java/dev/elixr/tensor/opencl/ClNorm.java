package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Tensor;

/** Softmax, layer norm and RMS norm (softmax.cl, norm.cl): one work-group per row, reductions in local memory. */
final class ClNorm {
    private final ClContext ctx;

    ClNorm(ClContext ctx) { this.ctx = ctx; }

    void softmax(Tensor x, int axis, boolean log, Tensor out) {
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
}
