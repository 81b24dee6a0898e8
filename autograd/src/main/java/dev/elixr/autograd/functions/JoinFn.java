package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Concatenation, stacking and splitting along an axis, with backward. */
public final class JoinFn {
    private JoinFn() {}

    public static Var concat(int axis, Var... xs) { throw Pending.ops("concat"); }
    public static Var stack(int axis, Var... xs) { throw Pending.ops("stack"); }
    public static Var[] split(Var x, int axis, int... sizes) { throw Pending.ops("split"); }
}
