package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.Reduce;

/** Sum and mean over axes; backward broadcasts the gradient back over the reduced axes. */
public final class ReduceFn {
    private ReduceFn() {}

    /** Sum over axes (none = all). */
    public static Var sum(Var x, boolean keepdim, int... axes) {
        int[] in = x.shape();
        Tensor y = Reduce.sum(x.value(), keepdim, axes);
        return Var.result("sum", y, g -> new Tensor[] {spread(g, in, axes)}, x);
    }

    /** Mean over axes (none = all). */
    public static Var mean(Var x, boolean keepdim, int... axes) {
        int[] in = x.shape();
        Tensor y = Reduce.mean(x.value(), keepdim, axes);
        int count = y.numel() == 0 ? 1 : Math.max(1, Shape.numel(in) / Math.max(1, y.numel()));
        return Var.result("mean", y, g -> new Tensor[] {spread(Elementwise.mul(g, 1f / count), in, axes)}, x);
    }

    /** Maximum along one axis; the gradient goes to the first maximal element (as torch.max(x, dim)). */
    public static Var max(Var x, int axis, boolean keepdim) { return extreme("max", x, axis, keepdim, true); }

    /** Minimum along one axis; the gradient goes to the first minimal element (as torch.min(x, dim)). */
    public static Var min(Var x, int axis, boolean keepdim) { return extreme("min", x, axis, keepdim, false); }

    private static Var extreme(String op, Var x, int axis, boolean keepdim, boolean max) {
        int[] in = x.shape();
        int a = Shape.axis(op, axis, in.length);
        Tensor xv = x.value();
        Tensor y = max ? Reduce.max(xv, keepdim, a) : Reduce.min(xv, keepdim, a);
        return Var.result(op, y, g -> {
            float[] idx = Host.read(max ? Reduce.argmax(xv, a, true) : Reduce.argmin(xv, a, true)), gs = Host.read(g.contiguous());
            int n = in[a], inner = 1;
            for (int d = a + 1; d < in.length; d++) inner *= in[d];
            float[] dx = new float[Shape.numel(in)];
            for (int o = 0; o < idx.length; o++) {
                int outer = o / inner, j = o % inner;
                dx[(outer * n + (int) idx[o]) * inner + j] = gs[o];
            }
            return new Tensor[] {Host.put(dx, in, g.device())};
        }, x);
    }

    /** g (reduced over axes, with or without kept dimensions) broadcast back to shape in. */
    static Tensor spread(Tensor g, int[] in, int[] axes) {
        int[] kept = in.clone();
        if (axes.length == 0) java.util.Arrays.fill(kept, 1);
        for (int a : axes) kept[Shape.axis("sum", a, in.length)] = 1;
        return g.reshape(kept).expand(in);
    }
}
