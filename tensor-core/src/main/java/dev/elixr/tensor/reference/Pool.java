package dev.elixr.tensor.reference;

import dev.elixr.tensor.Tensor;

/** Reference pooling: the windows written out, in double. */
public final class Pool {
    private Pool() {}

    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) { return pool(x, kernel, stride, padding, true); }

    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) { return pool(x, kernel, stride, padding, false); }

    private static Tensor pool(Tensor x, int k, int s, int pad, boolean max) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int oh = (h + 2 * pad - k) / s + 1, ow = (w + 2 * pad - k) / s + 1;
        double[] out = new double[n * c * oh * ow];
        int q = 0;
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < oh; y++)
                    for (int xx = 0; xx < ow; xx++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int i = 0; i < k; i++)
                            for (int j = 0; j < k; j++) {
                                int iy = y * s - pad + i, ix = xx * s - pad + j;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                double v = x.get(b, ch, iy, ix);
                                acc = max ? Math.max(acc, v) : acc + v;
                            }
                        out[q++] = max ? acc : acc / (k * k);
                    }
        return Nd.tensor(out, n, c, oh, ow);
    }

    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        double[] out = new double[n * c * outH * outW];
        int q = 0;
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < outH; i++)
                    for (int j = 0; j < outW; j++) {
                        int y0 = i * h / outH, y1 = ((i + 1) * h + outH - 1) / outH;
                        int x0 = j * w / outW, x1 = ((j + 1) * w + outW - 1) / outW;
                        double s = 0;
                        for (int y = y0; y < y1; y++) for (int xx = x0; xx < x1; xx++) s += x.get(b, ch, y, xx);
                        out[q++] = s / ((y1 - y0) * (x1 - x0));
                    }
        return Nd.tensor(out, n, c, outH, outW);
    }

    /** Gradient of maxPool2d: each window's g to its first maximum (row-major within the window). */
    public static Tensor maxPool2dBackward(Tensor x, Tensor g, int kernel, int stride, int padding) { return backward(x, g, kernel, stride, padding, true); }

    /** Gradient of avgPool2d: each window's g/k² to every cell of it inside x. */
    public static Tensor avgPool2dBackward(Tensor x, Tensor g, int kernel, int stride, int padding) { return backward(x, g, kernel, stride, padding, false); }

    private static Tensor backward(Tensor x, Tensor g, int k, int s, int pad, boolean max) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), oh = g.size(2), ow = g.size(3);
        double[] dx = new double[n * c * h * w];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < oh; y++)
                    for (int xx = 0; xx < ow; xx++) {
                        double gv = g.get(b, ch, y, xx), best = Double.NEGATIVE_INFINITY;
                        int at = -1;
                        for (int i = 0; i < k; i++)
                            for (int j = 0; j < k; j++) {
                                int iy = y * s - pad + i, ix = xx * s - pad + j;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                int q = ((b * c + ch) * h + iy) * w + ix;
                                if (!max) dx[q] += gv / (k * k);
                                else if (at < 0 || x.get(b, ch, iy, ix) > best) {
                                    at = q;
                                    best = x.get(b, ch, iy, ix);
                                }
                            }
                        if (max && at >= 0) dx[at] += gv;
                    }
        return Nd.tensor(dx, n, c, h, w);
    }
}
