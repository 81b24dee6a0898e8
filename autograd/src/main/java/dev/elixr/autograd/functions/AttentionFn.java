package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Scaled dot-product attention (Vaswani et al. 2017, eq. 1) with additive mask and causal option, with backward. */
public final class AttentionFn {
    private AttentionFn() {}

    public static Var attention(Var q, Var k, Var v, Tensor mask, boolean causal, float scale) { throw Pending.ops("attention"); }
}
