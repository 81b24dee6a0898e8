package dev.elixr.tensor.reference;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

/** Reference reductions: one pass over every element, double accumulators. */
public final class Reduce {
    private Reduce() {}

    private enum Kind { SUM, MEAN, MAX, MIN }

    public static Tensor sum(Tensor x, boolean keepdim, int... axes) { return reduce(Kind.SUM, x, keepdim, axes); }
    public static Tensor mean(Tensor x, boolean keepdim, int... axes) { return reduce(Kind.MEAN, x, keepdim, axes); }
    public static Tensor max(Tensor x, boolean keepdim, int... axes) { return reduce(Kind.MAX, x, keepdim, axes); }
    public static Tensor min(Tensor x, boolean keepdim, int... axes) { return reduce(Kind.MIN, x, keepdim, axes); }

    public static float sumAll(Tensor x) {
        double s = 0;
        for (int i = 0; i < x.numel(); i++) s += x.getFlat(i);
        return (float) s;
    }

    public static Tensor variance(Tensor x, int correction, boolean keepdim, int... axes) {
        boolean[] red = reduced(x.dim(), axes);
        int[] outShape = keptShape(x.shape(), red);
        int outN = Nd.numel(outShape);
        double[] sum = new double[outN], sq = new double[outN];
        int[] count = new int[outN];
        for (int i = 0; i < x.numel(); i++) {
            int j = outIndex(Nd.unravel(i, x.shape()), red, outShape);
            sum[j] += x.getFlat(i);
            count[j]++;
        }
        for (int i = 0; i < x.numel(); i++) {
            int j = outIndex(Nd.unravel(i, x.shape()), red, outShape);
            double d = x.getFlat(i) - sum[j] / count[j];
            sq[j] += d * d;
        }
        for (int j = 0; j < outN; j++) sq[j] /= Math.max(0, count[j] - correction);
        return shaped(Nd.tensor(sq, outShape), x.shape(), red, keepdim);
    }

    public static Tensor argmax(Tensor x, int axis, boolean keepdim) { return arg(x, axis, keepdim, true); }
    public static Tensor argmin(Tensor x, int axis, boolean keepdim) { return arg(x, axis, keepdim, false); }

    private static Tensor arg(Tensor x, int axis, boolean keepdim, boolean max) {
        int a = Shape.axis("argmax", axis, x.dim());
        boolean[] red = new boolean[x.dim()];
        red[a] = true;
        int[] outShape = keptShape(x.shape(), red);
        double[] out = new double[Nd.numel(outShape)];
        for (int j = 0; j < out.length; j++) {
            int[] idx = Nd.unravel(j, outShape);
            int best = 0;
            double bv = x.get(idx);
            for (int i = 1; i < x.size(a); i++) {
                idx[a] = i;
                double v = x.get(idx);
                if (max ? v > bv : v < bv) { bv = v; best = i; }
            }
            out[j] = best;
        }
        return shaped(Nd.tensor(out, outShape), x.shape(), red, keepdim);
    }

    private static Tensor reduce(Kind kind, Tensor x, boolean keepdim, int... axes) {
        boolean[] red = reduced(x.dim(), axes);
        int[] outShape = keptShape(x.shape(), red);
        double[] acc = new double[Nd.numel(outShape)];
        int[] count = new int[acc.length];
        java.util.Arrays.fill(acc, kind == Kind.MAX ? Double.NEGATIVE_INFINITY : kind == Kind.MIN ? Double.POSITIVE_INFINITY : 0);
        for (int i = 0; i < x.numel(); i++) {
            int j = outIndex(Nd.unravel(i, x.shape()), red, outShape);
            double v = x.getFlat(i);
            acc[j] = switch (kind) {
                case SUM, MEAN -> acc[j] + v;
                case MAX -> Math.max(acc[j], v);
                case MIN -> Math.min(acc[j], v);
            };
            count[j]++;
        }
        if (kind == Kind.MEAN) for (int j = 0; j < acc.length; j++) acc[j] /= count[j];
        return shaped(Nd.tensor(acc, outShape), x.shape(), red, keepdim);
    }

    private static boolean[] reduced(int rank, int[] axes) {
        boolean[] red = new boolean[rank];
        if (axes.length == 0) java.util.Arrays.fill(red, true);
        for (int a : axes) red[a < 0 ? a + rank : a] = true;
        return red;
    }

    private static int[] keptShape(int[] shape, boolean[] red) {
        int[] s = shape.clone();
        for (int d = 0; d < s.length; d++) if (red[d]) s[d] = 1;
        return s;
    }

    private static int outIndex(int[] idx, boolean[] red, int[] outShape) {
        int j = 0;
        for (int d = 0; d < idx.length; d++) j = j * outShape[d] + (red[d] ? 0 : idx[d]);
        return j;
    }

    private static Tensor shaped(Tensor t, int[] shape, boolean[] red, boolean keepdim) {
        if (keepdim) return t;
        int k = 0;
        for (boolean r : red) if (!r) k++;
        int[] s = new int[k];
        for (int d = 0, j = 0; d < shape.length; d++) if (!red[d]) s[j++] = shape[d];
        return t.view(s);
    }
}
