package dev.elixr.tensor.ops;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.PoolMode;

/** Max, average and adaptive average pooling of [N,C,H,W] tensors (PyTorch semantics, floor mode). */
public final class Pool {
    private Pool() {}

    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) { return pool("maxPool2d", true, x, kernel, stride, padding); }

    /** Average over the window including padded zeros (count_include_pad=True). */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) { return pool("avgPool2d", false, x, kernel, stride, padding); }

    /**
     * Average over the windows [floor(i·H/outH), ceil((i+1)·H/outH)) of PyTorch's adaptive_avg_pool2d: one
     * pooling call when the sizes divide, else a mean over each band of rows, then of columns.
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        check4d("adaptiveAvgPool2d", x);
        if (outH < 1 || outW < 1) throw new IllegalArgumentException("adaptiveAvgPool2d: output size " + outH + "x" + outW + " must be positive");
        int h = x.size(2), w = x.size(3);
        if (h % outH == 0 && w % outW == 0) {
            Backend be = Backends.of("adaptiveAvgPool2d", x);
            Tensor out = Outputs.allocate(be, x.size(0), x.size(1), outH, outW);
            int kh = h / outH, kw = w / outW;
            be.pool2d(PoolMode.AVERAGE, x, kh, kw, new Conv2dParams(kh, kw, 0, 0, 1, 1, 1), out);
            return out;
        }
        return bands(bands(x, 3, outW), 2, outH);
    }

    /** Gradient of {@link #maxPool2d} with respect to x: each window's g goes to its first maximum. */
    public static Tensor maxPool2dBackward(Tensor x, Tensor g, int kernel, int stride, int padding) {
        return backward("maxPool2dBackward", PoolMode.MAX, x, g, kernel, kernel, Conv2dParams.of(stride, padding, 1, 1));
    }

    /** Gradient of {@link #avgPool2d} with respect to x: each window's g/k² to each of its cells inside x. */
    public static Tensor avgPool2dBackward(Tensor x, Tensor g, int kernel, int stride, int padding) {
        return backward("avgPool2dBackward", PoolMode.AVERAGE, x, g, kernel, kernel, Conv2dParams.of(stride, padding, 1, 1));
    }

    /** True when {@link #adaptiveAvgPool2d} of x is one average pooling (the sizes divide): then it has a backward here. */
    public static boolean isUniform(Tensor x, int outH, int outW) { return x.size(2) % outH == 0 && x.size(3) % outW == 0; }

    /** Gradient of {@link #adaptiveAvgPool2d} where {@link #isUniform}; other sizes compose differentiable means. */
    public static Tensor adaptiveAvgPool2dBackward(Tensor x, Tensor g, int outH, int outW) {
        check4d("adaptiveAvgPool2dBackward", x);
        if (!isUniform(x, outH, outW)) {
            throw new IllegalArgumentException("adaptiveAvgPool2dBackward: " + outH + "x" + outW + " does not divide x " + Outputs.str(x));
        }
        int kh = x.size(2) / outH, kw = x.size(3) / outW;
        return backward("adaptiveAvgPool2dBackward", PoolMode.AVERAGE, x, g, kh, kw, new Conv2dParams(kh, kw, 0, 0, 1, 1, 1));
    }

    private static Tensor backward(String name, PoolMode mode, Tensor x, Tensor g, int kh, int kw, Conv2dParams p) {
        check4d(name, x);
        int oh = Conv2dParams.outSize(x.size(2), kh, p.strideH(), p.padH(), p.dilationH());
        int ow = Conv2dParams.outSize(x.size(3), kw, p.strideW(), p.padW(), p.dilationW());
        if (g.dim() != 4 || g.size(0) != x.size(0) || g.size(1) != x.size(1) || g.size(2) != oh || g.size(3) != ow) {
            throw new IllegalArgumentException(name + ": gradient " + Outputs.str(g) + " is not the pooled shape [" + x.size(0) + ", "
                    + x.size(1) + ", " + oh + ", " + ow + "] of x " + Outputs.str(x));
        }
        Backend be = Backends.of(name, x, g);
        Tensor dx = Outputs.allocate(be, x.shape());
        be.pool2dBackward(mode, x, g, kh, kw, p, dx);
        return dx;
    }

    private static Tensor bands(Tensor x, int axis, int n) {
        int size = x.size(axis);
        Tensor[] parts = new Tensor[n];
        for (int i = 0; i < n; i++) {
            int s = Math.floorDiv(i * size, n), e = -Math.floorDiv(-(i + 1) * size, n);
            parts[i] = Reduce.mean(x.narrow(axis, s, e - s), true, axis);
        }
        return Index.concat(axis, parts);
    }

    private static Tensor pool(String name, boolean max, Tensor x, int kernel, int stride, int padding) {
        check4d(name, x);
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException(name + ": kernel and stride must be >= 1 and padding >= 0, got kernel " + kernel
                    + ", stride " + stride + ", padding " + padding);
        }
        if (padding > kernel / 2) {
            throw new IllegalArgumentException(name + ": padding " + padding + " is more than half the kernel " + kernel);
        }
        int oh = Conv2dParams.outSize(x.size(2), kernel, stride, padding, 1);
        int ow = Conv2dParams.outSize(x.size(3), kernel, stride, padding, 1);
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException(name + ": kernel " + kernel + " does not fit input " + Outputs.str(x) + " with padding " + padding);
        }
        Backend be = Backends.of(name, x);
        Tensor out = Outputs.allocate(be, x.size(0), x.size(1), oh, ow);
        be.pool2d(max ? PoolMode.MAX : PoolMode.AVERAGE, x, kernel, kernel, Conv2dParams.of(stride, padding, 1, 1), out);
        return out;
    }

    private static void check4d(String name, Tensor x) {
        if (x.dim() != 4) throw new IllegalArgumentException(name + ": x " + Outputs.str(x) + " must be [N,C,H,W]");
    }
}
