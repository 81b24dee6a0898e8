package dev.elixr.tensor.reference;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;

/** Reference 2-D convolution: the defining sum, one output element at a time. */
public final class Conv {
    private Conv() {}

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv2d(x, w, bias, Conv2dParams.of(stride, padding, dilation, groups));
    }

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int o = w.size(0), cg = w.size(1), kh = w.size(2), kw = w.size(3), og = o / p.groups();
        int oh = (h + 2 * p.padH() - p.dilationH() * (kh - 1) - 1) / p.strideH() + 1;
        int ow = (wd + 2 * p.padW() - p.dilationW() * (kw - 1) - 1) / p.strideW() + 1;
        double[] out = new double[n * o * oh * ow];
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < o; oc++)
                for (int y = 0; y < oh; y++)
                    for (int xx = 0; xx < ow; xx++) {
                        double s = bias == null ? 0 : bias.get(oc);
                        int g = oc / og;
                        for (int ic = 0; ic < cg; ic++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++) {
                                    int iy = y * p.strideH() - p.padH() + i * p.dilationH();
                                    int ix = xx * p.strideW() - p.padW() + j * p.dilationW();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    s += (double) x.get(b, g * cg + ic, iy, ix) * w.get(oc, ic, i, j);
                                }
                        out[((b * o + oc) * oh + y) * ow + xx] = s;
                    }
        return Nd.tensor(out, n, o, oh, ow);
    }

    /** dx of conv2d by its definition: every (output, kernel tap) adds w·g to the input cell it read. */
    public static Tensor conv2dBackwardInput(Tensor g, Tensor w, int[] xShape, Conv2dParams p) {
        int n = xShape[0], c = xShape[1], h = xShape[2], wd = xShape[3];
        int o = w.size(0), cg = w.size(1), kh = w.size(2), kw = w.size(3), og = o / p.groups(), oh = g.size(2), ow = g.size(3);
        double[] dx = new double[n * c * h * wd];
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < o; oc++)
                for (int y = 0; y < oh; y++)
                    for (int xx = 0; xx < ow; xx++)
                        for (int ic = 0; ic < cg; ic++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++) {
                                    int iy = y * p.strideH() - p.padH() + i * p.dilationH(), ix = xx * p.strideW() - p.padW() + j * p.dilationW();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    dx[((b * c + oc / og * cg + ic) * h + iy) * wd + ix] += (double) g.get(b, oc, y, xx) * w.get(oc, ic, i, j);
                                }
        return Nd.tensor(dx, xShape);
    }

    /** dw of conv2d by its definition: Σ over outputs of g·x at each tap. */
    public static Tensor conv2dBackwardWeight(Tensor x, Tensor g, int[] wShape, Conv2dParams p) {
        int n = x.size(0), h = x.size(2), wd = x.size(3), o = wShape[0], cg = wShape[1], kh = wShape[2], kw = wShape[3];
        int og = o / p.groups(), oh = g.size(2), ow = g.size(3);
        double[] dw = new double[o * cg * kh * kw];
        for (int oc = 0; oc < o; oc++)
            for (int ic = 0; ic < cg; ic++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++) {
                        double s = 0;
                        for (int b = 0; b < n; b++)
                            for (int y = 0; y < oh; y++)
                                for (int xx = 0; xx < ow; xx++) {
                                    int iy = y * p.strideH() - p.padH() + i * p.dilationH(), ix = xx * p.strideW() - p.padW() + j * p.dilationW();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    s += (double) g.get(b, oc, y, xx) * x.get(b, oc / og * cg + ic, iy, ix);
                                }
                        dw[((oc * cg + ic) * kh + i) * kw + j] = s;
                    }
        return Nd.tensor(dw, wShape);
    }

    /** cols[g][(c·KH + i)·KW + j][n·L + oy·OW + ox] = x[n][g·Cg + c][oy·sh − ph + i·dh][ox·sw − pw + j·dw], 0 outside. */
    public static Tensor im2col(Tensor x, int kh, int kw, Conv2dParams p) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), groups = p.groups(), cg = c / groups;
        int oh = (h + 2 * p.padH() - p.dilationH() * (kh - 1) - 1) / p.strideH() + 1;
        int ow = (wd + 2 * p.padW() - p.dilationW() * (kw - 1) - 1) / p.strideW() + 1;
        int ck = cg * kh * kw, nl = n * oh * ow;
        double[] cols = new double[groups * ck * nl];
        for (int g = 0; g < groups; g++)
            for (int ic = 0; ic < cg; ic++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        for (int b = 0; b < n; b++)
                            for (int y = 0; y < oh; y++)
                                for (int xx = 0; xx < ow; xx++) {
                                    int iy = y * p.strideH() - p.padH() + i * p.dilationH(), ix = xx * p.strideW() - p.padW() + j * p.dilationW();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    cols[(g * ck + (ic * kh + i) * kw + j) * nl + (b * oh + y) * ow + xx] = x.get(b, g * cg + ic, iy, ix);
                                }
        return Nd.tensor(cols, groups, ck, nl);
    }
}
