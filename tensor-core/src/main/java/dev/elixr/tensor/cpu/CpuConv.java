package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;

/**
 * 2-D convolution (cross-correlation, as PyTorch). Grouped convolutions with several input channels per
 * group: im2col of each image and group, then a GEMM with the group's filters. One input channel per
 * group (depthwise, any channel multiplier): a direct loop.
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
        if (g.cg == 1) depthwise(g, in, xo, k, wo, o, oo);
        else im2colGemm(g, in, xo, k, wo, o, oo);
        if (bs != null) addBias(g, bs, o, oo);
    }

    /** Sizes: batch, channels, input extent, output channels, kernel, output extent; per-group counts. */
    record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, Conv2dParams p, int cg, int og) {
        Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, Conv2dParams p) {
            this(n, c, h, w, o, kh, kw, oh, ow, p, c / p.groups(), o / p.groups());
        }
    }

    private static void im2colGemm(Geometry g, float[] in, int xo, float[] k, int wo, float[] o, int oo) {
        int rows = g.cg * g.kh * g.kw, cols = g.oh * g.ow;
        float[] col = new float[rows * cols];
        for (int b = 0; b < g.n; b++) {
            for (int grp = 0; grp < g.p.groups(); grp++) {
                int base = xo + (b * g.c + grp * g.cg) * g.h * g.w;
                im2col(g, in, base, col);
                int wOff = wo + grp * g.og * rows;
                int oOff = oo + (b * g.o + grp * g.og) * cols;
                CpuMatMul.gemm(k, wOff, rows, col, 0, cols, o, oOff, cols, g.og, cols, rows);
            }
        }
    }

    /** col[(c*kh + i)*kw + j, y*ow + x] = input[c, y*sh - ph + i*dh, x*sw - pw + j*dw] (0 outside). */
    private static void im2col(Geometry g, float[] in, int base, float[] col) {
        Conv2dParams p = g.p;
        int cols = g.oh * g.ow;
        Parallel.forRange(g.cg * g.kh * g.kw, Math.max(1, 8192 / cols), (s, e) -> {
            for (int r = s; r < e; r++) {
                int c = r / (g.kh * g.kw), i = r / g.kw % g.kh, j = r % g.kw;
                int cb = base + c * g.h * g.w, dst = r * cols;
                for (int y = 0; y < g.oh; y++) {
                    int iy = y * p.strideH() - p.padH() + i * p.dilationH();
                    boolean rowIn = iy >= 0 && iy < g.h;
                    for (int xx = 0; xx < g.ow; xx++) {
                        int ix = xx * p.strideW() - p.padW() + j * p.dilationW();
                        col[dst++] = rowIn && ix >= 0 && ix < g.w ? in[cb + iy * g.w + ix] : 0f;
                    }
                }
            }
        });
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
