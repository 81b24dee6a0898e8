package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Pool;

/** Max, average and adaptive average pooling with backward (host loops, one plane per task). */
public final class PoolFn {
    private PoolFn() {}

    /** Backward routes each window's gradient to its (first) maximum. */
    public static Var maxPool2d(Var x, int kernel, int stride, int padding) {
        Tensor xv = x.value();
        Tensor y = Pool.maxPool2d(xv, kernel, stride, padding);
        return Var.result("maxPool2d", y, g -> new Tensor[] {windows(xv, g, kernel, stride, padding, true)}, x);
    }

    /** Backward spreads g/k² over each window's cells inside the input (padded cells count in the divisor). */
    public static Var avgPool2d(Var x, int kernel, int stride, int padding) {
        Tensor xv = x.value();
        Tensor y = Pool.avgPool2d(xv, kernel, stride, padding);
        return Var.result("avgPool2d", y, g -> new Tensor[] {windows(xv, g, kernel, stride, padding, false)}, x);
    }

    /** Windows [⌊i·H/oh⌋, ⌈(i+1)·H/oh⌉), as torch.nn.AdaptiveAvgPool2d. */
    public static Var adaptiveAvgPool2d(Var x, int outH, int outW) {
        Tensor xv = x.value();
        Tensor y = Pool.adaptiveAvgPool2d(xv, outH, outW);
        int[] shape = xv.shape();
        return Var.result("adaptiveAvgPool2d", y, g -> {
            int planes = shape[0] * shape[1], h = shape[2], w = shape[3];
            float[] gs = Host.read(g), dx = new float[planes * h * w];
            Parallel.forRange(planes, 1, (s, e) -> {
                for (int pl = s; pl < e; pl++) {
                    for (int i = 0; i < outH; i++) {
                        int y0 = i * h / outH, y1 = ((i + 1) * h + outH - 1) / outH;
                        for (int j = 0; j < outW; j++) {
                            int x0 = j * w / outW, x1 = ((j + 1) * w + outW - 1) / outW;
                            float v = gs[(pl * outH + i) * outW + j] / ((y1 - y0) * (x1 - x0));
                            for (int yy = y0; yy < y1; yy++) for (int xx = x0; xx < x1; xx++) dx[(pl * h + yy) * w + xx] += v;
                        }
                    }
                }
            });
            return new Tensor[] {Host.put(dx, shape, g.device())};
        }, x);
    }

    private static Tensor windows(Tensor x, Tensor g, int k, int stride, int pad, boolean max) {
        int[] shape = x.shape();
        int planes = shape[0] * shape[1], h = shape[2], w = shape[3], oh = g.size(2), ow = g.size(3);
        float[] xs = Host.read(x), gs = Host.read(g), dx = new float[xs.length];
        float area = k * k;
        Parallel.forRange(planes, 1, (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int base = pl * h * w;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float gv = gs[(pl * oh + oy) * ow + ox];
                        int best = -1;
                        float bestV = Float.NEGATIVE_INFINITY;
                        for (int i = 0; i < k; i++) {
                            int iy = oy * stride - pad + i;
                            if (iy < 0 || iy >= h) continue;
                            for (int j = 0; j < k; j++) {
                                int ix = ox * stride - pad + j;
                                if (ix < 0 || ix >= w) continue;
                                int p = base + iy * w + ix;
                                if (!max) dx[p] += gv / area;
                                else if (best < 0 || xs[p] > bestV) {
                                    best = p;
                                    bestV = xs[p];
                                }
                            }
                        }
                        if (max && best >= 0) dx[best] += gv;
                    }
                }
            }
        });
        return Host.put(dx, shape, g.device());
    }
}
