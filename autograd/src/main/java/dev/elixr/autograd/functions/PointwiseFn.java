package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Unary elementwise functions and their derivatives. */
public final class PointwiseFn {
    private PointwiseFn() {}

    public static Var exp(Var x) { throw Pending.ops("exp"); }
    public static Var log(Var x) { throw Pending.ops("log"); }
    public static Var sqrt(Var x) { throw Pending.ops("sqrt"); }
    public static Var rsqrt(Var x) { throw Pending.ops("rsqrt"); }
    public static Var abs(Var x) { throw Pending.ops("abs"); }
    public static Var square(Var x) { throw Pending.ops("square"); }
    public static Var reciprocal(Var x) { throw Pending.ops("reciprocal"); }
    public static Var tanh(Var x) { throw Pending.ops("tanh"); }
    public static Var sigmoid(Var x) { throw Pending.ops("sigmoid"); }
    public static Var relu(Var x) { throw Pending.ops("relu"); }
    public static Var geluErf(Var x) { throw Pending.ops("gelu"); }
    public static Var geluTanh(Var x) { throw Pending.ops("geluTanh"); }
    public static Var silu(Var x) { throw Pending.ops("silu"); }
    public static Var clamp(Var x, float lo, float hi) { throw Pending.ops("clamp"); }
}
