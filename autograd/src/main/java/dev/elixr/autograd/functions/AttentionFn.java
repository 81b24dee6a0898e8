package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Attention;

/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1) with additive mask and causal option, with backward.
 * The forward is the fused kernel (no B·H·Tq·Tk tensor is kept); the backward ({@link Attention#backward}) recomputes
 * the probabilities and applies dV = Pᵀ·g, dS = P⊙(dP − Σ dP⊙P) with dP = g·vᵀ, dQ = dS·k·scale, dK = dSᵀ·q·scale
 * (fused per head on the CPU). The node declares that backward's scratch ({@link Attention#backwardScratchFloats}: the
 * CPU's blocks of queries, or P and dS of a chunk of images where the backward is composed), which stops growing with
 * the batch.
 */
public final class AttentionFn {
    private AttentionFn() {}

    public static Var attention(Var q, Var k, Var v, Tensor mask, boolean causal, float scale) {
        Tensor qv = q.value(), kv = k.value(), vv = v.value();
        Tensor out = Attention.scaledDotProduct(qv, kv, vv, mask, causal, scale);
        long scratch = 4 * Attention.backwardScratchFloats(qv.size(0), qv, kv, vv), limit = 4 * Attention.backwardScratchFloats(Integer.MAX_VALUE, qv, kv, vv);
        return Var.result("attention", out, scratch, limit,
                g -> Attention.backward(qv, kv, vv, mask, causal, scale, g, q.requiresGrad(), k.requiresGrad(), v.requiresGrad()), q, k, v);
    }
}
