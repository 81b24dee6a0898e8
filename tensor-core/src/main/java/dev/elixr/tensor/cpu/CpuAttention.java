package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Tensor;

/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1), softmax(q·kᵀ·scale + mask)·v, on the fused
 * {@link FlashAttention} kernel: the score matrix is never materialised. q, k, v are read in place when
 * their last dimension has unit stride (the usual [B,T,H,D] → [B,H,T,D] permuted views included).
 * Causal masking aligns the last query with the last key (query i sees keys j ≤ i + Tk − Tq; the same as
 * PyTorch's when Tq = Tk). A row whose keys are all masked (−∞) gives zeros.
 */
final class CpuAttention {
    private CpuAttention() {}

    static void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out) {
        if (out.numel() == 0) return;
        Tensor m = HostArrays.heap(mask);
        int[] qs = q.shape();
        int batch = qs[0], heads = qs[1], tq = qs[2], d = qs[3], tk = k.size(2), dv = v.size(3);
        FlashAttention.Mask fm = m == null ? null
                : new FlashAttention.Mask(m.storage().array(), m.offset(), m.stride(0), m.stride(1), m.stride(2), m.stride(3));
        FlashAttention.Operand o = new FlashAttention.Operand(out.storage().array(), out.offset(), heads * tq * dv, tq * dv, dv);
        FlashAttention.attention(batch, heads, tq, tk, d, dv, operand(q), operand(k), operand(v), fm, causal, scale, o);
    }

    /** The tensor in place when it is a float[] with unit stride along D, else a contiguous copy. */
    private static FlashAttention.Operand operand(Tensor t) {
        if (t.storage().array() == null || t.stride(3) != 1 && t.size(3) > 1) t = t.copy();
        return new FlashAttention.Operand(t.storage().array(), t.offset(), t.stride(0), t.stride(1), t.stride(2));
    }
}
