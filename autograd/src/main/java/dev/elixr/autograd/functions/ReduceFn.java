package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Sum and mean over axes; backward broadcasts the gradient back over the reduced axes. */
public final class ReduceFn {
    private ReduceFn() {}

    /** Sum over axes (none = all). */
    public static Var sum(Var x, boolean keepdim, int... axes) { throw Pending.ops("sum"); }
    /** Mean over axes (none = all). */
    public static Var mean(Var x, boolean keepdim, int... axes) { throw Pending.ops("mean"); }
}
