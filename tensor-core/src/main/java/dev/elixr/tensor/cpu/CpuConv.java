package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.UnaryOp;

/**
 * 2-D convolution (cross-correlation, as PyTorch). Several input channels per group: {@link Conv2dKernel}
 * (the image itself as GEMM operand for 1×1, an implicit GEMM packing its operand straight from the image otherwise:
 * {@link ImplicitConv}). One input channel per
 * group (depthwise, any channel multiplier, including a single-channel stem): {@link DepthwiseConv} (direct,
 * vectorised).
 */
final class CpuConv {
    private CpuConv() {}

    static void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) {
        conv2d(x, w, null, null, bias, null, p, out);
    }

    /** out = act(conv(x·gate, w)·scale + shift), per output channel; gate [N, C], scale, shift [O] and act may be null. */
    static void conv2d(Tensor x, Tensor w, Tensor gate, Tensor scale, Tensor shift, UnaryOp act, Conv2dParams p, Tensor out) {
        if (out.numel() == 0) return;
        x = HostArrays.dense(x);
        w = HostArrays.dense(w);
        float[] gt = gate == null ? null : gate.toFloatArray();
        var ep = new ConvEpilogue(scale == null ? null : scale.toFloatArray(), 0, shift == null ? null : shift.toFloatArray(), 0, act);
        int[] xs = x.shape(), ws = w.shape(), os = out.shape();
        var g = new Geometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], os[2], os[3], p);
        float[] in = x.storage().array(), k = w.storage().array(), o = out.storage().array();
        int xo = x.offset(), wo = w.offset(), oo = out.offset();
        if (g.cg == 1 && gt == null) {
            DepthwiseConv.conv2d(in, xo, g.n, g.c, g.h, g.w, k, wo, g.o, g.kh, g.kw, ep, p, o, oo);
        } else {
            Conv2dKernel.conv2d(in, xo, g.n, g.c, g.h, g.w, k, wo, g.o, g.kh, g.kw, gt, 0, ep, p, o, oo);
        }
    }

    /** Sizes: batch, channels, input extent, output channels, kernel, output extent; per-group counts. */
    record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, Conv2dParams p, int cg, int og) {
        Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, Conv2dParams p) {
            this(n, c, h, w, o, kh, kw, oh, ow, p, c / p.groups(), o / p.groups());
        }
    }
}
