package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.backend.Conv2dParams;

/**
 * 2-D convolution (NCHW, PyTorch semantics: stride, padding, dilation, groups) as GEMMs on {@link Sgemm}:
 * per image and group, out[Og, OH·OW] = W[Og, Cg·KH·KW] · col[Cg·KH·KW, OH·OW].
 * <ul>
 *   <li>1×1, stride 1, no padding: the image itself is the right operand (no copy at all);</li>
 *   <li>otherwise (3×3 and the rest): im2col (Chellapilla et al., 2006; stride-2 rows by {@link StrideTwo}) over bands of output rows, each
 *       band small enough (≈ 4 MB) to stay in the last-level cache while Sgemm packs it.</li>
 * </ul>
 * Depthwise convolutions (groups = C = O) go to {@link DepthwiseConv} instead: as GEMMs they would be
 * 1-row products. Arrays are contiguous; offsets in elements.
 */
public final class Conv2dKernel {
    /** Floats per im2col band. */
    static final int BAND_FLOATS = 1 << 20;

    /** Per-thread im2col band, reused across calls (a fresh multi-megabyte array per call would keep the GC busy). */
    private static final ThreadLocal<Band> COLUMNS = ThreadLocal.withInitial(Band::new);

    private static final class Band {
        float[] data = new float[0];

        float[] get(int n) {
            if (data.length < n) data = new float[n];
            return data;
        }
    }

    private Conv2dKernel() {}

    /**
     * x [n, c, h, w], weight [o, c/groups, kh, kw], bias [o] or null → out [n, o, oh, ow] (overwritten).
     */
    public static void conv2d(float[] x, int xOff, int n, int c, int h, int w,
                              float[] weight, int wOff, int o, int kh, int kw, float[] bias, int biasOff,
                              Conv2dParams p, float[] out, int outOff) {
        int g = p.groups();
        if (c % g != 0 || o % g != 0)
            throw new IllegalArgumentException("conv2d: channels in " + c + " and out " + o + " must both divide by groups " + g);
        int oh = Conv2dParams.outSize(h, kh, p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(w, kw, p.strideW(), p.padW(), p.dilationW());
        if (oh <= 0 || ow <= 0)
            throw new IllegalArgumentException("conv2d: input " + h + "x" + w + " is smaller than the kernel " + kh + "x" + kw
                    + " (dilation " + p.dilationH() + "x" + p.dilationW() + ", padding " + p.padH() + "x" + p.padW() + ")");
        int cg = c / g, og = o / g, ckk = cg * kh * kw, ohw = oh * ow;
        boolean pointwise = kh == 1 && kw == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0;
        int bandRows = Math.max(1, Math.min(oh, BAND_FLOATS / Math.max(1, ckk * ow)));
        float[] col = pointwise ? null : COLUMNS.get().get(ckk * bandRows * ow);
        for (int ni = 0; ni < n; ni++)
            for (int gi = 0; gi < g; gi++) {
                int xg = xOff + (ni * c + gi * cg) * h * w, wg = wOff + gi * og * ckk, og0 = outOff + (ni * o + gi * og) * ohw;
                if (pointwise) {
                    Sgemm.sgemm(false, false, og, ohw, cg, 1f, weight, wg, ckk, x, xg, h * w, 0f, out, og0, ohw);
                    continue;
                }
                for (int oy0 = 0; oy0 < oh; oy0 += bandRows) {
                    int rows = Math.min(bandRows, oh - oy0), cols = rows * ow;
                    im2col(x, xg, cg, h, w, kh, kw, p, oy0, rows, ow, col);
                    Sgemm.sgemm(false, false, og, cols, ckk, 1f, weight, wg, ckk, col, 0, cols, 0f, out, og0 + oy0 * ow, ohw);
                }
            }
        if (bias != null) addBias(out, outOff, n, o, ohw, bias, biasOff);
    }

    /** col[(ci·KH + ky)·KW + kx][r·OW + ox] = x[ci][(oy0 + r)·sh − ph + ky·dh][ox·sw − pw + kx·dw] (0 outside). */
    static void im2col(float[] x, int xOff, int cg, int h, int w, int kh, int kw, Conv2dParams p,
                       int oy0, int rows, int ow, float[] col) {
        int cols = rows * ow, kk = kh * kw;
        Parallel.forRange(cg * kk, Math.max(1, 16384 / Math.max(1, cols)), (s, e) -> {
            for (int row = s; row < e; row++) {
                int ci = row / kk, ky = row % kk / kw, kx = row % kw;
                int dst = row * cols, plane = xOff + ci * h * w;
                for (int r = 0; r < rows; r++, dst += ow) {
                    int iy = (oy0 + r) * p.strideH() - p.padH() + ky * p.dilationH();
                    if (iy < 0 || iy >= h) {
                        java.util.Arrays.fill(col, dst, dst + ow, 0f);
                        continue;
                    }
                    int src = plane + iy * w, x0 = kx * p.dilationW() - p.padW(), sw = p.strideW();
                    if (sw == 1) {
                        int lo = Math.max(0, -x0), hi = Math.min(ow, w - x0); // ox with 0 <= ox + x0 < w
                        if (hi <= lo) { java.util.Arrays.fill(col, dst, dst + ow, 0f); continue; }
                        java.util.Arrays.fill(col, dst, dst + lo, 0f);
                        System.arraycopy(x, src + x0 + lo, col, dst + lo, hi - lo);
                        java.util.Arrays.fill(col, dst + hi, dst + ow, 0f);
                    } else {
                        int lo = Math.max(0, Math.ceilDiv(-x0, sw)), hi = Math.min(ow, Math.floorDiv(w - 1 - x0, sw) + 1);
                        if (hi <= lo) { java.util.Arrays.fill(col, dst, dst + ow, 0f); continue; }
                        java.util.Arrays.fill(col, dst, dst + lo, 0f);
                        if (sw == 2) StrideTwo.gather(x, src + lo * sw + x0, col, dst + lo, hi - lo);
                        else for (int ox = lo, ix = src + lo * sw + x0; ox < hi; ox++, ix += sw) col[dst + ox] = x[ix];
                        java.util.Arrays.fill(col, dst + hi, dst + ow, 0f);
                    }
                }
            }
        });
    }

    static void addBias(float[] out, int outOff, int n, int o, int ohw, float[] bias, int biasOff) {
        Parallel.forRange(n * o, Math.max(1, 65536 / Math.max(1, ohw)), (s, e) -> {
            for (int plane = s; plane < e; plane++) {
                float b = bias[biasOff + plane % o];
                int base = outOff + plane * ohw;
                for (int i = 0; i < ohw; i++) out[base + i] += b;
            }
        });
    }
}
