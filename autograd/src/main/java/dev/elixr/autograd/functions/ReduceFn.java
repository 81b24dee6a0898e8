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
            Tensor idx = max ? Reduce.argmax(xv, a, true) : Reduce.argmin(xv, a, true);
            int[] along = new int[in.length];
            java.util.Arrays.fill(along, 1);
            along[a] = in[a];
            Tensor positions = Tensor.arange(in[a]).reshape(along).to(xv.device());
            Tensor first = Elementwise.eq(positions, idx); // 1 at the chosen element of each line
            return new Tensor[] {Elementwise.mul(first, g.reshape(idx.shape()))};
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
