package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Index;

/** Concatenation, stacking and splitting along an axis, with backward. */
public final class JoinFn {
    private JoinFn() {}

    /** Backward hands each input its slice of the gradient (a view). */
    public static Var concat(int axis, Var... xs) {
        Tensor[] ts = values(xs);
        Tensor y = Index.concat(axis, ts);
        int a = Shape.axis("concat", axis, y.dim());
        int[] sizes = new int[xs.length];
        for (int i = 0; i < xs.length; i++) sizes[i] = ts[i].size(a);
        return Var.result("concat", y, g -> {
            Tensor[] out = new Tensor[xs.length];
            int start = 0;
            for (int i = 0; i < xs.length; i++) {
                if (xs[i].requiresGrad()) out[i] = g.narrow(a, start, sizes[i]);
                start += sizes[i];
            }
            return out;
        }, xs);
    }

    /** Backward hands input i the gradient's slice i along the new axis. */
    public static Var stack(int axis, Var... xs) {
        Tensor y = Index.stack(axis, values(xs));
        int a = Shape.axis("stack", axis, y.dim());
        return Var.result("stack", y, g -> {
            Tensor[] out = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) if (xs[i].requiresGrad()) out[i] = g.select(a, i);
            return out;
        }, xs);
    }

    /** Pieces of the given sizes along axis, as views; each piece's gradient lands in its place in x's shape. */
    public static Var[] split(Var x, int axis, int... sizes) {
        int a = Shape.axis("split", axis, x.dim());
        int total = 0;
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException("split: negative size in " + Shape.str(sizes));
            total += s;
        }
        if (total != x.size(a)) {
            throw new IllegalArgumentException("split: sizes " + Shape.str(sizes) + " add up to " + total + ", dimension " + a + " of "
                    + Shape.str(x.shape()) + " is " + x.size(a));
        }
        Var[] out = new Var[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = x.narrow(a, start, sizes[i]);
            start += sizes[i];
        }
        return out;
    }

    private static Tensor[] values(Var[] xs) {
        if (xs.length == 0) throw new IllegalArgumentException("concat/stack: no inputs given");
        Tensor[] ts = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) ts[i] = xs[i].value();
        return ts;
    }
}
