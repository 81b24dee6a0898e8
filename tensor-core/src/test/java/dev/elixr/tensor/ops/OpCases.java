package dev.elixr.tensor.ops;

import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;

import java.util.Arrays;

/**
 * Seeded random op cases shared by the CPU op tests and the OpenCL op tests, so that every backend is checked against
 * the float64 reference on the same inputs: odd and size-1 shapes, broadcasting, transposed and permuted views.
 */
public final class OpCases {
    private OpCases() {}

    /** matmul: 1-D operands, batch broadcasting, B as a transposed view of a contiguous [.., n, k] tensor. */
    public record MatMulCase(Tensor a, Tensor b, String what) {
        public static MatMulCase of(long seed) {
            Gen g = new Gen(seed);
            int m = g.dim(), k = g.dim(), n = g.dim();
            int[] batch = g.shape(0, 2);
            int[] sa, sb;
            switch ((int) (seed % 5)) {
                case 0 -> { sa = new int[] {k}; sb = cat(g.broadcastable(batch), k, n); }
                case 1 -> { sa = cat(batch, m, k); sb = new int[] {k}; }
                case 2 -> { sa = new int[] {k}; sb = new int[] {k}; }
                default -> { sa = cat(g.broadcastable(batch), m, k); sb = cat(g.broadcastable(batch), k, n); }
            }
            Tensor a = g.tensor(sa);
            Tensor b = seed % 3 == 0 && sb.length >= 2 ? transposedView(g, sb) : g.tensor(sb);
            return new MatMulCase(a, b, "matmul " + Shape.str(sa) + " @ " + Shape.str(sb));
        }

        /** A tensor of shape s that is the transpose view of a contiguous [.., n, k] tensor (the weight layout of Linear). */
        private static Tensor transposedView(Gen g, int[] s) {
            int r = s.length;
            int[] t = s.clone();
            t[r - 2] = s[r - 1];
            t[r - 1] = s[r - 2];
            return g.values(1f, t).transpose(-2, -1);
        }
    }

    /** conv2d: groups, depthwise, stride, padding, dilation, optional bias. */
    public record ConvCase(Tensor x, Tensor w, Tensor bias, Conv2dParams p, String what) {
        public static ConvCase of(long seed) {
            Gen g = new Gen(seed);
            int groups = new int[] {1, 1, 2, 3}[g.rng.nextInt(4)];
            boolean depthwise = seed % 4 == 3;
            int cg = depthwise ? 1 : 1 + g.rng.nextInt(3), c = cg * groups;
            int og = 1 + g.rng.nextInt(3), o = og * groups;
            if (depthwise) { groups = c = 2 + g.rng.nextInt(4); o = c * (1 + g.rng.nextInt(2)); }
            int kh = 1 + g.rng.nextInt(3), kw = 1 + g.rng.nextInt(3);
            int sh = 1 + g.rng.nextInt(2), sw = 1 + g.rng.nextInt(2), dh = 1 + g.rng.nextInt(2), dw = 1 + g.rng.nextInt(2);
            int ph = g.rng.nextInt(2), pw = g.rng.nextInt(3);
            int h = dh * (kh - 1) + 1 + g.rng.nextInt(9), w = dw * (kw - 1) + 1 + g.rng.nextInt(9);
            var p = new Conv2dParams(sh, sw, ph, pw, dh, dw, groups);
            Tensor x = g.tensor(1 + g.rng.nextInt(2), c, h, w);
            Tensor wt = g.tensor(o, c / groups, kh, kw);
            Tensor bias = seed % 2 == 0 ? g.tensor(o) : null;
            return new ConvCase(x, wt, bias, p, "conv2d x " + Arrays.toString(x.shape()) + " w " + Arrays.toString(wt.shape()) + " " + p);
        }
    }

    /** softmax / log-softmax along the last or a random axis of a strided layout. */
    public record SoftmaxCase(Tensor x, int axis, String what) {
        public static SoftmaxCase of(long seed) {
            Gen g = new Gen(seed);
            int[] shape = g.shape(1, 4);
            Tensor x = g.layout(g.values(4f, shape));
            int axis = seed % 2 == 0 ? -1 : g.rng.nextInt(shape.length);
            return new SoftmaxCase(x, axis, Shape.str(shape) + " axis " + axis);
        }
    }

    /** Scaled dot-product attention: Tq ≤ Tk, Dv ≠ D, permuted q, padding / 0-or-−1e9 / full masks, causal or not. */
    public record AttentionCase(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, String what) {
        public static AttentionCase of(long seed) {
            Gen g = new Gen(seed);
            int b = 1 + g.rng.nextInt(2), h = 1 + g.rng.nextInt(3), tk = g.dim(), tq = seed % 3 == 0 ? tk : 1 + g.rng.nextInt(tk);
            int d = g.dim(), dv = seed % 5 == 0 ? g.dim() : d;
            Tensor q = seed % 2 == 0 ? g.values(1f, b, tq, h, d).permute(0, 2, 1, 3) : g.tensor(b, h, tq, d);
            Tensor k = g.tensor(b, h, tk, d), v = g.tensor(b, h, tk, dv);
            Tensor mask = switch ((int) (seed % 4)) {
                case 0 -> null;
                case 1 -> g.tensor(b, 1, 1, tk);                                                  // padding-style
                case 2 -> Elementwise.mul(Elementwise.lt(g.values(1f, tq, tk), -0.5f), -1e9f);   // 0 / -1e9
                default -> g.tensor(b, h, tq, tk);
            };
            boolean causal = seed % 3 != 1;
            return new AttentionCase(q, k, v, mask, causal,
                    "attention B" + b + " H" + h + " Tq" + tq + " Tk" + tk + " D" + d + " Dv" + dv + " causal " + causal);
        }
    }

    /** Layer / RMS norm over the last axis of a strided layout, with or without gamma and beta. */
    public record NormCase(Tensor x, Tensor gamma, Tensor beta, float eps, String what) {
        public static NormCase of(long seed) {
            Gen g = new Gen(seed);
            int[] shape = g.shape(1, 4);
            int d = shape[shape.length - 1];
            Tensor x = g.layout(Elementwise.add(g.values(3f, shape), seed % 5));
            Tensor gamma = seed % 3 == 0 ? null : g.tensor(d), beta = seed % 4 == 0 ? null : g.tensor(d);
            float eps = seed % 2 == 0 ? 1e-5f : 1e-6f;
            return new NormCase(x, gamma, beta, eps, Shape.str(shape));
        }
    }

    /** Sum / mean / max / min / variance over random axes (possibly none or all), keepdim or not. */
    public record ReduceCase(Tensor x, int[] axes, boolean keep, int correction, String what) {
        public static ReduceCase of(long seed) {
            Gen g = new Gen(seed);
            int[] shape = g.shape(0, 4);
            Tensor x = g.tensor(shape);
            int[] axes = g.axes(shape.length);
            boolean keep = g.rng.nextBoolean();
            int correction = g.rng.nextInt(2);
            return new ReduceCase(x, axes, keep, correction, Shape.str(shape) + " axes " + Arrays.toString(axes) + " keepdim " + keep);
        }

        /** Sum tolerance grows with the number of summed terms. */
        public double sumTolerance(Tensor out) {
            return 2e-6 * Math.sqrt(Math.max(1, x.numel() / Math.max(1, out.numel()))) * 4;
        }
    }

    static int[] cat(int[] batch, int... tail) {
        int[] s = Arrays.copyOf(batch, batch.length + tail.length);
        System.arraycopy(tail, 0, s, batch.length, tail.length);
        return s;
    }
}
