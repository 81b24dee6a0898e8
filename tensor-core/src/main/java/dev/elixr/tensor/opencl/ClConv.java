package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.PoolMode;

/**
 * conv2d and pooling (conv.cl). Ungrouped convolutions unfold the input (im2col, a few images at a time) and
 * run one batched GEMM with the [O, C·KH·KW] weight matrix; grouped ones (depthwise) run a direct kernel.
 */
final class ClConv {
    /** Largest im2col buffer, in floats (64 MiB). */
    private static final long COL_LIMIT = 16L << 20;

    private final ClContext ctx;
    private final ClGemm gemm;
    private final ClElementwise elementwise;

    ClConv(ClContext ctx, ClGemm gemm, ClElementwise elementwise) {
        this.ctx = ctx;
        this.gemm = gemm;
        this.elementwise = elementwise;
    }

    void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) {
        ClBuffer xb = ClArgs.buffer("conv2d", ctx, x), ob = ClArgs.buffer("conv2d", ctx, out);
        ClArgs.requireContiguous("conv2d", out);
        if (out.numel() == 0) return;
        if (p.groups() != 1) {
            direct(x, xb, w, bias, p, out, ob);
            return;
        }
        int n = x.size(0), o = w.size(0), c = w.size(1), kh = w.size(2), kw = w.size(3);
        int oh = out.size(2), ow = out.size(3), pix = oh * ow, kk = c * kh * kw;
        Tensor wm = w.isContiguous() ? w : w.contiguous();
        ClBuffer wb = ClArgs.buffer("conv2d weight", ctx, wm);
        int nb = (int) Math.max(1, Math.min(n, COL_LIMIT / Math.max(1, (long) kk * pix)));
        ClBuffer col = ctx.allocateUninitialised((long) nb * kk * pix);
        ClKernel im2col = ctx.programs().kernel("conv", "im2col");
        for (int n0 = 0; n0 < n; n0 += nb) {
            int cnt = Math.min(nb, n - n0);
            int total = cnt * kk * pix;
            im2col.run1d(total, total, ClView.of(x), n0, 0, c, kh, kw, oh, ow,
                    p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(), xb, col);
            gemm.gemm(cnt, o, pix, kk, new ClView(new int[] {cnt}, new int[] {0}, wm.offset()), kk, 1, wb,
                    new ClView(new int[] {cnt}, new int[] {kk * pix}, 0), pix, 1, col,
                    ob, out.offset() + n0 * o * pix);
        }
        if (bias != null) elementwise.addChannelBias(bias, ob, out.offset(), out.numel(), o, pix);
    }

    /** Columns [G, Cg·KH·KW, N·OH·OW] of x for the convolution backward (conv.cl im2col_grouped). */
    void im2col(Tensor x, int kh, int kw, Conv2dParams p, Tensor cols) {
        ClBuffer xb = ClArgs.buffer("im2col", ctx, x), cb = ClArgs.buffer("im2col", ctx, cols);
        ClArgs.requireContiguous("im2col", cols);
        int total = cols.numel();
        int oh = Conv2dParams.outSize(x.size(2), kh, p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(x.size(3), kw, p.strideW(), p.padW(), p.dilationW());
        ctx.programs().kernel("conv", "im2col_grouped").run1d(total, total, ClView.of(x), x.size(1) / p.groups(), kh, kw, oh, ow,
                p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(), xb, cb, cols.offset());
    }

    /** The adjoint of im2col into dx [N,C,H,W], one work-item per cell (conv.cl col2im_grouped). */
    void col2im(Tensor cols, int kh, int kw, Conv2dParams p, Tensor dx) {
        Tensor c = ClArgs.dense(cols);
        ClBuffer cb = ClArgs.buffer("col2im", ctx, c), db = ClArgs.buffer("col2im", ctx, dx);
        ClArgs.requireContiguous("col2im", dx);
        int total = dx.numel();
        int oh = Conv2dParams.outSize(dx.size(2), kh, p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(dx.size(3), kw, p.strideW(), p.padW(), p.dilationW());
        ctx.programs().kernel("conv", "col2im_grouped").run1d(total, total, dx.size(1), dx.size(2), dx.size(3), dx.size(1) / p.groups(),
                kh, kw, oh, ow, p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(), cb, c.offset(), db, dx.offset());
    }

    /** Gradient of pool2d, one work-item per cell of dx (conv.cl pool2d_backward). */
    void pool2dBackward(PoolMode mode, Tensor x, Tensor g, int kh, int kw, Conv2dParams p, Tensor dx) {
        Tensor xd = ClArgs.dense(x), gd = ClArgs.dense(g);
        ClBuffer xb = ClArgs.buffer("pool2dBackward", ctx, xd), gb = ClArgs.buffer("pool2dBackward", ctx, gd),
                db = ClArgs.buffer("pool2dBackward", ctx, dx);
        ClArgs.requireContiguous("pool2dBackward", dx);
        int total = dx.numel();
        ctx.programs().kernel("conv", "pool2d_backward").run1d(total, total, mode == PoolMode.MAX ? 1 : 0, x.size(2), x.size(3), kh, kw,
                g.size(2), g.size(3), p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(),
                xb, xd.offset(), gb, gd.offset(), db, dx.offset());
    }

    private void direct(Tensor x, ClBuffer xb, Tensor w, Tensor bias, Conv2dParams p, Tensor out, ClBuffer ob) {
        ClBuffer wb = ClArgs.buffer("conv2d weight", ctx, w);
        int total = out.numel();
        ctx.programs().kernel("conv", "conv_direct").run1d(total, total, ClView.of(x), xb, ClView.of(w), wb,
                bias == null ? 0 : 1, bias == null ? ctx.placeholder() : ClArgs.buffer("conv2d bias", ctx, bias),
                bias == null ? 0 : bias.offset(), bias == null ? 0 : bias.stride(0),
                out.size(1), out.size(2), out.size(3), p.groups(),
                p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(), ob, out.offset());
    }

    void pool2d(PoolMode mode, Tensor x, int kh, int kw, Conv2dParams p, Tensor out) {
        ClBuffer xb = ClArgs.buffer("pool2d", ctx, x), ob = ClArgs.buffer("pool2d", ctx, out);
        ClArgs.requireContiguous("pool2d", out);
        int total = out.numel();
        if (total == 0) return;
        ctx.programs().kernel("conv", "pool2d").run1d(total, total, mode == PoolMode.MAX ? 1 : 0, ClView.of(x), xb, kh, kw, out.size(2), out.size(3),
                p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(), ob, out.offset());
    }
}
