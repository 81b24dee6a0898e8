package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.PoolMode;

/**
 * Gradient of max / average pooling. Strategy: one (image, channel) plane per task (planes never share dx cells, so
 * no locks and the result does not depend on the thread count); within a plane, windows in row-major order, scalar
 * (windows are small and overlap, which defeats vector stores).
 */
final class CpuPoolBackward {
    private CpuPoolBackward() {}

    static void pool2dBackward(PoolMode mode, Tensor x, Tensor g, int kh, int kw, Conv2dParams p, Tensor dx) {
        if (dx.numel() == 0) return;
        Tensor xd = HostArrays.dense(x), gd = HostArrays.dense(g);
        int[] xs = x.shape();
        int h = xs[2], w = xs[3], oh = g.size(2), ow = g.size(3);
        float[] in = xd.storage().array(), gr = gd.storage().array(), o = dx.storage().array();
        int xo = xd.offset(), go = gd.offset(), oo = dx.offset();
        boolean max = mode == PoolMode.MAX;
        float area = kh * kw;
        Parallel.forRange(xs[0] * xs[1], Math.max(1, 4096 / Math.max(1, oh * ow * kh * kw)), (s, e) -> {
            for (int plane = s; plane < e; plane++) {
                int ib = xo + plane * h * w, ob = oo + plane * h * w, gb = go + plane * oh * ow;
                for (int y = 0; y < oh; y++) {
                    for (int xx = 0; xx < ow; xx++) {
                        float gv = gr[gb + y * ow + xx];
                        int best = -1;
                        float bestV = 0f;
                        for (int i = 0; i < kh; i++) {
                            int iy = y * p.strideH() - p.padH() + i * p.dilationH();
                            if (iy < 0 || iy >= h) continue;
                            for (int j = 0; j < kw; j++) {
                                int ix = xx * p.strideW() - p.padW() + j * p.dilationW();
                                if (ix < 0 || ix >= w) continue;
                                int at = iy * w + ix;
                                if (!max) o[ob + at] += gv / area;
                                else if (best < 0 || in[ib + at] > bestV) {
                                    best = at;
                                    bestV = in[ib + at];
                                }
                            }
                        }
                        if (max && best >= 0) o[ob + best] += gv;
                    }
                }
            }
        });
    }
}
