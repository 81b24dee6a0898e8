package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;

/**
 * 2-D convolution (cross-correlation, as PyTorch). Several input channels per group: {@link Conv2dKernel}
 * (the image itself as GEMM operand for 1×1, banded im2col + packed SGEMM otherwise). Depthwise with one
 * filter per channel: {@link DepthwiseConv} (direct, vectorised). Depthwise with a channel multiplier
 * above 1: a direct scalar loop.
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
        if (g.cg == 1 && g.og == 1) {
            DepthwiseConv.conv2d(in, xo, g.n, g.c, g.h, g.w, k, wo, g.kh, g.kw, bs, 0, p, o, oo);
        } else if (g.cg == 1) {
            depthwise(g, in, xo, k, wo, o, oo);
            if (bs != null) addBias(g, bs, o, oo);
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

    private static void depthwise(Geometry g, float[] in, int xo, float[] k, int wo, float[] o, int oo) {
        Conv2dParams p = g.p;
        Parallel.forRange(g.n * g.o, 1, (s, e) -> {
            for (int plane = s; plane < e; plane++) {
                int b = plane / g.o, oc = plane % g.o, ic = oc / g.og;
                int xb = xo + (b * g.c + ic) * g.h * g.w, wb = wo + oc * g.kh * g.kw, ob = oo + plane * g.oh * g.ow;
                for (int y = 0; y < g.oh; y++) {
                    for (int xx = 0; xx < g.ow; xx++) {
                        float acc = 0f;
                        for (int i = 0; i < g.kh; i++) {
                            int iy = y * p.strideH() - p.padH() + i * p.dilationH();
                            if (iy < 0 || iy >= g.h) continue;
                            for (int j = 0; j < g.kw; j++) {
                                int ix = xx * p.strideW() - p.padW() + j * p.dilationW();
                                if (ix >= 0 && ix < g.w) acc += in[xb + iy * g.w + ix] * k[wb + i * g.kw + j];
                            }
                        }
                        o[ob + y * g.ow + xx] = acc;
                    }
                }
            }
        });
    }

    private static void addBias(Geometry g, float[] bias, float[] o, int oo) {
        int plane = g.oh * g.ow;
        Parallel.forRange(g.n * g.o, Math.max(1, 8192 / plane), (s, e) -> {
            for (int q = s; q < e; q++) {
                float bv = bias[q % g.o];
                int base = oo + q * plane;
                for (int i = 0; i < plane; i++) o[base + i] += bv;
            }
        });
    }
}
