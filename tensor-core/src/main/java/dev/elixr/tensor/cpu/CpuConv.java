package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;

/**
 * 2-D convolution (cross-correlation, as PyTorch). Several input channels per group: {@link Conv2dKernel}
 * (the image itself as GEMM operand for 1×1, banded im2col + packed SGEMM otherwise). One input channel per
 * group (depthwise, any channel multiplier, including a single-channel stem): {@link DepthwiseConv} (direct,
 * vectorised).
 */
final class CpuConv {
    private CpuConv() {}

    static void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) {
        if (out.numel() == 0) return;
        x = HostArrays.dense(x);
        w = HostArrays.dense(w);
        float[] bs = bias == null ? null : bias.toFloatArray();
        int[] xs = x.shape(), ws = w.shape(), os = out.shape();
        var g = new Geometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], os[2], os[3], p);
        float[] in = x.storage().array(), k = w.storage().array(), o = out.storage().array();
        int xo = x.offset(), wo = w.offset(), oo = out.offset();
        if (g.cg == 1) {
            DepthwiseConv.conv2d(in, xo, g.n, g.c, g.h, g.w, k, wo, g.o, g.kh, g.kw, bs, 0, p, o, oo);
        } else {
            Conv2dKernel.conv2d(in, xo, g.n, g.c, g.h, g.w, k, wo, g.o, g.kh, g.kw, bs, 0, p, o, oo);
        }
    }

    /** Sizes: batch, channels, input extent, output channels, kernel, output extent; per-group counts. */
    record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, Conv2dParams p, int cg, int og) {
        Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, Conv2dParams p) {
            this(n, c, h, w, o, kh, kw, oh, ow, p, c / p.groups(), o / p.groups());
        }
    }
}
