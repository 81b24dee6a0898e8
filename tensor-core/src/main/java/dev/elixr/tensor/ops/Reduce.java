package dev.elixr.tensor.ops;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.backend.ReduceOp;

/** Reductions over any set of axes (none given = all axes), with or without the reduced dimensions kept. */
public final class Reduce {
    private Reduce() {}

    public static Tensor sum(Tensor x, boolean keepdim, int... axes) { return reduce("sum", ReduceOp.SUM, x, keepdim, axes); }
    public static Tensor mean(Tensor x, boolean keepdim, int... axes) { return reduce("mean", ReduceOp.MEAN, x, keepdim, axes); }
    public static Tensor max(Tensor x, boolean keepdim, int... axes) { return reduce("max", ReduceOp.MAX, x, keepdim, axes); }
    public static Tensor min(Tensor x, boolean keepdim, int... axes) { return reduce("min", ReduceOp.MIN, x, keepdim, axes); }

    /** Sum of all elements as a float. */
    public static float sumAll(Tensor x) { return sum(x, false).toCpu().item(); }

    /** Σ(x − mean)² / (n − correction) over the axes (correction 1: the unbiased estimate, 0: the population variance). */
    public static Tensor variance(Tensor x, int correction, boolean keepdim, int... axes) {
        int[] ax = Shape.axes("variance", axes, x.dim());
        long n = 1;
        for (int a : ax) n *= x.size(a);
        Tensor centred = Elementwise.sub(x, mean(x, true, ax));
        return Elementwise.div(sum(Elementwise.square(centred), keepdim, ax), (float) Math.max(0, n - correction));
    }

    /** Index of the largest value along axis (first one on ties), as float values. */
    public static Tensor argmax(Tensor x, int axis, boolean keepdim) { return arg("argmax", true, x, axis, keepdim); }

    /** Index of the smallest value along axis (first one on ties), as float values. */
    public static Tensor argmin(Tensor x, int axis, boolean keepdim) { return arg("argmin", false, x, axis, keepdim); }

    static Tensor reduce(String name, ReduceOp op, Tensor x, boolean keepdim, int... axes) {
        int[] ax = Shape.axes(name, axes, x.dim());
        int[] shape = x.shape();
        for (int a : ax) {
            if (shape[a] == 0 && (op == ReduceOp.MAX || op == ReduceOp.MIN)) {
                throw new IllegalArgumentException(name + ": cannot reduce over dimension " + a + " of size 0 in " + Shape.str(shape));
            }
        }
        Backend be = Backends.of(name, x);
        Tensor out = Outputs.allocate(be, kept(shape, ax));
        be.reduce(op, x, ax, out);
        return keepdim ? out : out.view(dropped(shape, ax));
    }

    private static Tensor arg(String name, boolean max, Tensor x, int axis, boolean keepdim) {
        int a = Shape.axis(name, axis, x.dim());
        if (x.size(a) == 0) throw new IllegalArgumentException(name + ": dimension " + a + " of " + Outputs.str(x) + " is empty");
        Backend be = Backends.of(name, x);
        int[] ax = {a};
        Tensor out = Outputs.allocate(be, kept(x.shape(), ax));
        be.argReduce(max ? dev.elixr.tensor.backend.Extremum.MAX : dev.elixr.tensor.backend.Extremum.MIN, x, a, out);
        return keepdim ? out : out.view(dropped(x.shape(), ax));
    }

    static int[] kept(int[] shape, int[] axes) {
        int[] s = shape.clone();
        for (int a : axes) s[a] = 1;
        return s;
    }

    static int[] dropped(int[] shape, int[] axes) {
        int[] s = new int[shape.length - axes.length];
        for (int d = 0, j = 0, k = 0; d < shape.length; d++) {
            if (k < axes.length && axes[k] == d) k++;
            else s[j++] = shape[d];
        }
        return s;
    }
}
