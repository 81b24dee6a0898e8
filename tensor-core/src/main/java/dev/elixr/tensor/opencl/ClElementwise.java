package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.BinaryOp;
import dev.elixr.tensor.backend.UnaryOp;

/** Elementwise kernels of elementwise.cl: dimensions are collapsed first, contiguous operands take the fast path. */
final class ClElementwise {
    private final ClContext ctx;

    ClElementwise(ClContext ctx) { this.ctx = ctx; }

    void unary(UnaryOp op, Tensor x, Tensor out) {
        ClBuffer xb = ClArgs.buffer("unary " + op, ctx, x), ob = ClArgs.buffer("unary " + op, ctx, out);
        int n = out.numel();
        if (n == 0) return;
        ClView[] v = ClView.collapse(x, out);
        if (flat(v)) {
            kernel("unary_contig").run1d(n, op.ordinal(), n, xb, x.offset(), ob, out.offset());
        } else {
            kernel("unary_strided").run1d(n, op.ordinal(), n, v[0], xb, v[1], ob);
        }
    }

    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        String name = "binary " + op;
        ClBuffer ab = ClArgs.buffer(name, ctx, a), bb = ClArgs.buffer(name, ctx, b), ob = ClArgs.buffer(name, ctx, out);
        int n = out.numel();
        if (n == 0) return;
        ClView[] v = ClView.collapse(a, b, out);
        if (flat(v)) {
            kernel("binary_contig").run1d(n, op.ordinal(), n, ab, a.offset(), bb, b.offset(), ob, out.offset());
        } else {
            kernel("binary_strided").run1d(n, op.ordinal(), n, v[0], ab, v[1], bb, v[2], ob);
        }
    }

    void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        ClBuffer cb = ClArgs.buffer("where", ctx, cond), ab = ClArgs.buffer("where", ctx, a), bb = ClArgs.buffer("where", ctx, b),
                ob = ClArgs.buffer("where", ctx, out);
        int n = out.numel();
        if (n == 0) return;
        ClView[] v = ClView.collapse(cond, a, b, out);
        kernel("where_strided").run1d(n, n, v[0], cb, v[1], ab, v[2], bb, v[3], ob);
    }

    /** dst = src elementwise (same shape, any strides on both sides). */
    void copy(Tensor src, Tensor dst) {
        ClBuffer sb = ClArgs.buffer("copy", ctx, src), db = ClArgs.buffer("copy", ctx, dst);
        int n = dst.numel();
        if (n == 0) return;
        ClView[] v = ClView.collapse(src, dst);
        if (flat(v)) {
            ctx.copy(sb, src.offset(), db, dst.offset(), n);
        } else {
            kernel("copy_strided").run1d(n, n, v[0], sb, v[1], db);
        }
    }

    /** out [N, C, P] (contiguous) += bias[c]. */
    void addChannelBias(Tensor bias, ClBuffer out, int outOff, int n, int channels, int perChannel) {
        ClBuffer bb = ClArgs.buffer("bias", ctx, bias);
        kernel("add_channel_bias").run1d(n, n, channels, perChannel, bb, bias.offset(), bias.stride(0), out, outOff);
    }

    /** True when every collapsed view is a single run of unit stride (or a single element). */
    private static boolean flat(ClView[] v) {
        for (ClView x : v) {
            if (x.shape().length > 1) return false;
            if (x.shape().length == 1 && x.strides()[0] != 1) return false;
        }
        return true;
    }

    private ClKernel kernel(String name) { return ctx.programs().kernel("elementwise", name); }
}
