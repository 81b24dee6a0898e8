package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Attention;

/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1) with additive mask and causal option, with backward.
 * The forward is the fused kernel; where the backend can and P [B,H,Tq,Tk] is small ({@link Attention#KEEP_FLOATS}:
 * language-model and text batches, not a ViT's) it keeps the probabilities for the backward, which otherwise recomputes
 * them; the backward ({@link Attention#backward}) applies dV = Pᵀ·g, dS = P⊙(dP − Σ dP⊙P) with dP = g·vᵀ, dQ = dS·k·scale, dK = dSᵀ·q·scale
 * (fused per head on the CPU). The node declares the kept P and that backward's scratch ({@link Attention#backwardScratchFloats}: the
 * CPU's blocks of queries, or P and dS of a chunk of images where the backward is composed), which stops growing with
 * the batch.
 */
public final class AttentionFn {
    private AttentionFn() {}

    public static Var attention(Var q, Var k, Var v, Tensor mask, boolean causal, float scale) {
        Tensor qv = q.value(), kv = k.value(), vv = v.value();
        Tensor[] outAndP = Var.needsGraph(q, k, v) ? Attention.scaledDotProductKeeping(qv, kv, vv, mask, causal, scale)
                : new Tensor[] {Attention.scaledDotProduct(qv, kv, vv, mask, causal, scale), null};
        Tensor p = outAndP[1];
        long scratch = 4 * Attention.backwardScratchFloats(qv.size(0), qv, kv, vv), limit = 4 * Attention.backwardScratchFloats(Integer.MAX_VALUE, qv, kv, vv);
        long kept = p == null ? 0 : 4 * Attention.keptFloats(qv, kv); // a batch whose P passes KEEP_FLOATS recomputes it
        return Var.result("attention", outAndP[0], kept, 4 * Attention.KEEP_FLOATS, scratch, limit,
                g -> Attention.backward(qv, kv, vv, mask, causal, scale, g, p, q.requiresGrad(), k.requiresGrad(), v.requiresGrad()), q, k, v);
    }
}
