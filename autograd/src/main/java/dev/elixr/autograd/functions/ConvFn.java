package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.ops.Conv;
import dev.elixr.tensor.ops.MatMul;
import dev.elixr.tensor.ops.Reduce;

/**
 * 2-D convolution (groups, depthwise, dilation) with backward to input, weight and bias. The backward
 * unfolds the input into columns (im2col, Chellapilla et al. 2006) laid out [G, C/G·KH·KW, N·OH·OW], so
 * both gradients are batched matrix products per group: dW = g·colsᵀ, dCols = Wᵀ·g, folded back (col2im).
 */
public final class ConvFn {
    private ConvFn() {}

    public static Var conv2d(Var x, Var w, Var bias, Conv2dParams p) {
        Tensor xv = x.value(), wv = w.value();
        Tensor y = Conv.conv2d(xv, wv, bias == null ? null : bias.value(), p);
        Var[] inputs = bias == null ? new Var[] {x, w} : new Var[] {x, w, bias};
        return Var.result("conv2d", y, g -> {
            Geometry geo = new Geometry(xv.shape(), wv.shape(), g.shape(), p);
            int groups = p.groups(), og = geo.o / groups;
            // g [N, O, OH, OW] → [G, O/G, N·L]
            Tensor gg = g.reshape(geo.n, groups, og, geo.l).permute(1, 2, 0, 3).reshape(groups, og, geo.n * geo.l);
            Tensor dw = null, dx = null;
            if (w.requiresGrad()) {
                Tensor cols = Host.put(im2col(Host.read(xv), geo), new int[] {groups, geo.ck, geo.n * geo.l}, xv.device());
                dw = MatMul.matmul(gg, cols.transpose(-2, -1)).reshape(wv.shape());
            }
            if (x.requiresGrad()) {
                Tensor dcols = MatMul.matmul(wv.reshape(groups, og, geo.ck).transpose(-2, -1), gg);
                dx = Host.put(col2im(Host.read(dcols), geo), xv.shape(), xv.device());
            }
            if (bias == null) return new Tensor[] {dx, dw};
            return new Tensor[] {dx, dw, bias.requiresGrad() ? Reduce.sum(g, false, 0, 2, 3) : null};
        }, inputs);
    }

    /** Sizes of one convolution: batch, channels, image, kernel, output, per-group column height ck and L = OH·OW. */
    private record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, int cg, int ck, int l, int groups,
                            int sh, int sw, int ph, int pw, int dh, int dw) {
        Geometry(int[] x, int[] wt, int[] out, Conv2dParams p) {
            this(x[0], x[1], x[2], x[3], wt[0], wt[2], wt[3], out[2], out[3], wt[1], wt[1] * wt[2] * wt[3], out[2] * out[3], p.groups(),
                    p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW());
        }

        /** First output column ox whose input column ox·s − p + j·d is inside the image. */
        int firstColumn(int j) { return Math.max(0, Math.ceilDiv(pw - j * dw, sw)); }

        /** One past the last output column whose input column is inside the image. */
        int lastColumn(int j) { return Math.min(ow, Math.floorDiv(w - 1 + pw - j * dw, sw) + 1); }
    }

    /** cols[g][(c·KH + i)·KW + j][n·L + oy·OW + ox] = x[n][g·Cg + c][oy·s − p + i·d][ox·s − p + j·d] (0 outside). */
    private static float[] im2col(float[] x, Geometry q) {
        int nl = q.n * q.l;
        float[] cols = new float[q.groups * q.ck * nl];
        Parallel.forRange(q.groups * q.ck, 1, (s, e) -> {
            for (int row = s; row < e; row++) {
                int gi = row / q.ck, r = row % q.ck, c = r / (q.kh * q.kw), i = (r / q.kw) % q.kh, j = r % q.kw;
                int ch = gi * q.cg + c, lo = q.firstColumn(j), run = q.lastColumn(j) - lo, dx = lo * q.sw - q.pw + j * q.dw;
                if (run <= 0) continue;
                for (int n = 0; n < q.n; n++) {
                    int xBase = (n * q.c + ch) * q.h * q.w, cBase = row * nl + n * q.l;
                    for (int oy = 0; oy < q.oh; oy++) {
                        int iy = oy * q.sh - q.ph + i * q.dh;
                        if (iy < 0 || iy >= q.h) continue;
                        int src = xBase + iy * q.w + dx, dst = cBase + oy * q.ow + lo;
                        if (q.sw == 1) System.arraycopy(x, src, cols, dst, run);
                        else for (int t = 0; t < run; t++) cols[dst + t] = x[src + t * q.sw];
                    }
                }
            }
        });
        return cols;
    }

    /** The adjoint of im2col: sums every column entry back into the input cell it was read from (in im2col's order). */
    private static float[] col2im(float[] cols, Geometry q) {
        int nl = q.n * q.l;
        float[] dx = new float[q.n * q.c * q.h * q.w];
        Parallel.forRange(q.n * q.c, 1, (s, e) -> {
            for (int nc = s; nc < e; nc++) {
                int n = nc / q.c, ch = nc % q.c, gi = ch / q.cg, c = ch % q.cg, xBase = nc * q.h * q.w;
                for (int i = 0; i < q.kh; i++) {
                    for (int j = 0; j < q.kw; j++) {
                        int row = gi * q.ck + (c * q.kh + i) * q.kw + j, cBase = row * nl + n * q.l;
                        int lo = q.firstColumn(j), run = q.lastColumn(j) - lo, dxOff = lo * q.sw - q.pw + j * q.dw;
                        for (int oy = 0; oy < q.oh; oy++) {
                            int iy = oy * q.sh - q.ph + i * q.dh;
                            if (iy < 0 || iy >= q.h) continue;
                            int dst = xBase + iy * q.w + dxOff, src = cBase + oy * q.ow + lo;
                            for (int t = 0; t < run; t++) dx[dst + t * q.sw] += cols[src + t];
                        }
                    }
                }
            }
        });
        return dx;
    }
}
