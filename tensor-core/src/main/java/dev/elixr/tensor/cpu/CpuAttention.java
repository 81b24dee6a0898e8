package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

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
        attention(q, k, v, mask, causal, scale, out, null);
    }

    /** As {@link #attention(Tensor, Tensor, Tensor, Tensor, boolean, float, Tensor)}, also writing P into p (fresh, zero-filled, contiguous) unless null. */
    static void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out, Tensor p) {
        if (out.numel() == 0) return;
        Tensor m = HostArrays.heap(mask);
        int[] qs = q.shape();
        int batch = qs[0], heads = qs[1], tq = qs[2], d = qs[3], tk = k.size(2), dv = v.size(3);
        FlashAttention.Mask fm = m == null ? null
                : new FlashAttention.Mask(m.storage().array(), m.offset(), m.stride(0), m.stride(1), m.stride(2), m.stride(3));
        FlashAttention.Operand o = new FlashAttention.Operand(out.storage().array(), out.offset(), heads * tq * dv, tq * dv, dv);
        FlashAttention.Probabilities kept = p == null ? null : new FlashAttention.Probabilities(p.storage().array(), p.offset());
        FlashAttention.attention(batch, heads, tq, tk, d, dv, operand(q), operand(k), operand(v), fm, causal, scale, o, kept);
    }

    /**
     * p = softmax(s·scale + mask) per row of scores [B,H,Tq,Tk] (p may be s itself), causal rows ending at key
     * i + Tk − Tq, all-masked rows zero. Strategy: one row per item of a parallel range; scale and mask in one pass,
     * the row max, then {@link VectorMath#expShiftedSum} over the visible keys (exponentials and their sum in one pass) and
     * the scaling by its inverse.
     */
    static void probabilities(Tensor scores, Tensor mask, boolean causal, float scale, Tensor p) {
        if (p.numel() == 0) return;
        Tensor s = HostArrays.dense(scores), m = HostArrays.heap(mask);
        int[] shape = scores.shape();
        int heads = shape[1], tq = shape[2], tk = shape[3], rows = p.numel() / tk;
        float[] in = s.storage().array(), out = p.storage().array(), md = m == null ? null : m.storage().array();
        int so = s.offset(), po = p.offset();
        int[] ms = m == null ? null : m.strides();
        int mo0 = m == null ? 0 : m.offset();
        Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, tk)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int i = r % tq, bh = r / tq, h = bh % heads, b = bh / heads;
                int visible = causal ? Math.max(0, Math.min(tk, i + tk - tq + 1)) : tk;
                int mo = md == null ? 0 : mo0 + b * ms[0] + h * ms[1] + i * ms[2];
                probabilityRow(in, so + r * tk, out, po + r * tk, tk, visible, scale, md, mo, md == null ? 0 : ms[3]);
            }
        });
    }

    /**
     * One row of probabilities: out[o, o+tk) = softmax(in[si…]·scale + mask) over the first {@code visible} keys, zeros
     * after them and for a row whose visible keys are all masked (mask md from mo with stride mk along keys, or null).
     * out may be in at the same position.
     */
    static void probabilityRow(float[] in, int si, float[] out, int o, int tk, int visible, float scale, float[] md, int mo, int mk) {
        float max = FlashAttention.scaleMaskMax(in, si, out, o, visible, scale, md, mo, mk);
        java.util.Arrays.fill(out, o + visible, o + tk, 0f);
        if (max == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(out, o, o + visible, 0f);
            return;
        }
        float inv = 1f / VectorMath.expShiftedSum(out, o, max, out, o, visible, true);
        FloatVector vi = FloatVector.broadcast(Simd.F, inv);
        int j = 0;
        for (int b = Simd.F.loopBound(visible); j < b; j += Simd.L) FloatVector.fromArray(Simd.F, out, o + j).mul(vi).intoArray(out, o + j);
        for (; j < visible; j++) out[o + j] *= inv;
    }

    /** The tensor in place when it is a float[] with unit stride along D, else a contiguous copy. */
    static FlashAttention.Operand operand(Tensor t) {
        if (t.storage().array() == null || t.stride(3) != 1 && t.size(3) > 1) t = t.copy();
        return new FlashAttention.Operand(t.storage().array(), t.offset(), t.stride(0), t.stride(1), t.stride(2));
    }
}
