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
}
