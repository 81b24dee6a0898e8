package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Tensor;

/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1) as three device steps: S = Q Kᵀ (batched GEMM on
 * the views, no transposed copy), S = softmax(S · scale + mask) row-wise in place (causal rows end at key
 * i + Tk − Tq), out = S V. S is a [B·H, Tq, Tk] scratch buffer.
 */
final class ClAttention {
    private final ClContext ctx;
    private final ClGemm gemm;

    ClAttention(ClContext ctx, ClGemm gemm) {
        this.ctx = ctx;
        this.gemm = gemm;
    }

    void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out) {
        ClBuffer qb = ClArgs.buffer("attention q", ctx, q), kb = ClArgs.buffer("attention k", ctx, k),
                vb = ClArgs.buffer("attention v", ctx, v), ob = ClArgs.buffer("attention", ctx, out);
        ClArgs.requireContiguous("attention", out);
        int b = q.size(0), h = q.size(1), tq = q.size(2), d = q.size(3), tk = k.size(2), dv = v.size(3);
        if (out.numel() == 0) return;
        int bh = b * h;
        ClBuffer s = ctx.allocateUninitialised((long) bh * tq * tk);
        // S = Q Kᵀ: A(i, e) = q[.., i, e], B(e, j) = k[.., j, e]
        gemm.gemm(bh, tq, tk, d, ClArgs.dims(q, 0, 2, q.offset()), q.stride(2), q.stride(3), qb,
                ClArgs.dims(k, 0, 2, k.offset()), k.stride(3), k.stride(2), kb, s, 0);
        ClView mv = new ClView(new int[0], new int[0], 0);
        int ms = 0;
        ClBuffer mb = ctx.placeholder();
        if (mask != null) {
            Tensor m = mask.expand(b, h, tq, tk);
            mb = ClArgs.buffer("attention mask", ctx, m);
            mv = ClArgs.dims(m, 0, 3, m.offset());
            ms = m.stride(3);
        }
        int wg = ctx.programs().workGroup();
        ctx.programs().kernel("softmax", "attention_softmax").launch(new long[] {(long) bh * tq * wg}, new long[] {wg},
                tq, tk, scale, mask == null ? 0 : 1, mv, ms, mb, causal ? 1 : 0, s, 0);
        // out = P V: A(i, j) = s[z, i, j], B(j, e) = v[.., j, e]
        gemm.gemm(bh, tq, dv, tk, new ClView(new int[] {bh}, new int[] {tq * tk}, 0), tk, 1, s,
                ClArgs.dims(v, 0, 2, v.offset()), v.stride(2), v.stride(3), vb, ob, out.offset());
    }

    /** p = softmax(s·scale + mask) per row with the causal rule (softmax.cl attention_softmax, in place on p). */
    void probabilities(Tensor scores, Tensor mask, boolean causal, float scale, Tensor p) {
        ClArgs.requireContiguous("attentionProbabilities", p);
        if (p.numel() == 0) return;
        if (scores != p) p.backend().copy(scores, p);
        ClBuffer pb = ClArgs.buffer("attentionProbabilities", ctx, p);
        int b = p.size(0), h = p.size(1), tq = p.size(2), tk = p.size(3);
        ClView mv = new ClView(new int[0], new int[0], 0);
        int ms = 0;
        ClBuffer mb = ctx.placeholder();
        if (mask != null) {
            Tensor m = mask.expand(b, h, tq, tk);
            mb = ClArgs.buffer("attention mask", ctx, m);
            mv = ClArgs.dims(m, 0, 3, m.offset());
            ms = m.stride(3);
        }
        int wg = ctx.programs().workGroup();
        ctx.programs().kernel("softmax", "attention_softmax").launch(new long[] {(long) b * h * tq * wg}, new long[] {wg},
                tq, tk, scale, mask == null ? 0 : 1, mv, ms, mb, causal ? 1 : 0, pb, p.offset());
    }
}
