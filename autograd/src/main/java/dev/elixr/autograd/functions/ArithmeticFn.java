package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Broadcasting arithmetic with backward: gradients are summed back to each input's shape. */
public final class ArithmeticFn {
    private ArithmeticFn() {}

    public static Var add(Var a, Var b) { throw Pending.ops("add"); }
    public static Var sub(Var a, Var b) { throw Pending.ops("sub"); }
    public static Var mul(Var a, Var b) { throw Pending.ops("mul"); }
    public static Var div(Var a, Var b) { throw Pending.ops("div"); }
    public static Var add(Var a, float s) { throw Pending.ops("add"); }
    public static Var mul(Var a, float s) { throw Pending.ops("mul"); }
    public static Var pow(Var a, float p) { throw Pending.ops("pow"); }
    public static Var maskedFill(Var a, Tensor mask, float v) { throw Pending.ops("maskedFill"); }
}
