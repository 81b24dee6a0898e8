package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Matrix product with numpy semantics; dA = dC·Bᵀ, dB = Aᵀ·dC, reduced over broadcast batch dims. */
public final class MatMulFn {
    private MatMulFn() {}

    public static Var matmul(Var a, Var b) { throw Pending.ops("matmul"); }
    /** x·wᵀ + b with w [out,in] as in torch.nn.functional.linear; b may be null. */
    public static Var linear(Var x, Var w, Var b) { throw Pending.ops("linear"); }
}
