package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;

/**
 * Max and average pooling over KH×KW windows, one (image, channel) plane per task. Max ignores padded
 * cells; average divides by the full window (PyTorch's count_include_pad=True).
 */
final class CpuPool {
    private CpuPool() {}

    static void pool2d(boolean max, Tensor x, int kh, int kw, Conv2dParams p, Tensor out) {
        if (out.numel() == 0) return;
        x = HostArrays.dense(x);
        int[] xs = x.shape(), os = out.shape();
        int h = xs[2], w = xs[3], oh = os[2], ow = os[3];
        float[] in = x.storage().array(), o = out.storage().array();
        int xo = x.offset(), oo = out.offset();
        float inv = 1f / (kh * kw);
        Parallel.forRange(xs[0] * xs[1], Math.max(1, 4096 / (oh * ow * kh * kw)), (s, e) -> {
            for (int plane = s; plane < e; plane++) {
                int ib = xo + plane * h * w, ob = oo + plane * oh * ow;
                for (int y = 0; y < oh; y++) {
                    for (int xx = 0; xx < ow; xx++) {
                        float acc = max ? Float.NEGATIVE_INFINITY : 0f;
                        for (int i = 0; i < kh; i++) {
                            int iy = y * p.strideH() - p.padH() + i * p.dilationH();
                            if (iy < 0 || iy >= h) continue;
                            for (int j = 0; j < kw; j++) {
                                int ix = xx * p.strideW() - p.padW() + j * p.dilationW();
                                if (ix < 0 || ix >= w) continue;
                                float v = in[ib + iy * w + ix];
                                acc = max ? Math.max(acc, v) : acc + v;
                            }
                        }
                        o[ob + y * ow + xx] = max ? acc : acc * inv;
                    }
                }
            }
        });
    }
}
