package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * Gradients of scaled dot-product attention, one (batch, head) at a time, with the probabilities recomputed in blocks
 * of queries (FlashAttention's backward pass, Dao et al. 2022, Algorithm 4, with whole key rows per block):
 * <pre>
 *   for each (b, h), on one thread; for each block of BQ queries [i0, i1) and the keys it sees [0, tkb):
 *     S  = q_blk·k[0:tkb]ᵀ                        BQ×tkb scratch, stays in L2
 *     P  = softmax(S·scale + mask), causal rows cut, all-masked rows 0     ({@link CpuAttention#probabilityRow})
 *     dV[0:tkb] += Pᵀ·g_blk
 *     dP = g_blk·v[0:tkb]ᵀ;  dS' = scale·P⊙(dP − Σ_j dP⊙P)    in place of dP    ({@link #scaledSoftmaxGradient})
 *     dQ_blk = dS'·k[0:tkb];  dK[0:tkb] += dS'ᵀ·q_blk
 * </pre>
 * The composed backward ({@code ops.Attention.composedBackward}: batched products over whole [B,H,Tq,Tk] score tensors) is the
 * reference it is tested against; this one holds two BQ×Tk blocks a thread instead of two score tensors, and a causal
 * block skips the keys none of its queries sees (causal blocks hold at most {@link #CAUSAL_BQ} queries, so that a short
 * sequence's skip is not lost in one block of all its queries). The five products run on {@link Sgemm#sgemmSerial} (packing its
 * operands: packing k, v once per head and reading q, g, dS in place, as the forward does, measured no faster here);
 * q, k, v, g are read in place where their head dimension has unit stride (else copied). Threads split the (b, h) pairs.
 */
final class AttentionBackward {
    /** Floats of one score block a thread holds (S or dP): BQ = this / Tk queries, at least {@link #MIN_BQ}. */
    static final int BLOCK_FLOATS = 1 << 15;
    static final int MIN_BQ = 8;

    private AttentionBackward() {}

    /** Queries per block for Tk keys. */
    static int queriesPerBlock(int tq, int tk) {
        return Math.max(1, Math.min(tq, Math.max(MIN_BQ, BLOCK_FLOATS / Math.max(1, tk))));
    }

    /**
     * Queries per causal block: at most {@link #CAUSAL_BQ}, so that each block's products stop at its last query's keys
     * (one block of all Tq queries computes the whole square, half of it masked).
     */
    static int queriesPerBlock(int tq, int tk, boolean causal) {
        int bq = queriesPerBlock(tq, tk);
        return causal ? Math.min(bq, CAUSAL_BQ) : bq;
    }

    /**
     * Queries per block of a causal backward (see {@link #queriesPerBlock(int, int, boolean)}). Scratch harness, [8,4,T,32]
     * causal, one thread, AVX2 Zen 3: T = 121 2.71 ms against 3.25 with one block (32: 2.65, 16: 3.09), T = 250 8.6
     * against 9.6 (32: 9.2), T = 40 unchanged (0.50).
     */
    static final int CAUSAL_BQ = 64;

    /** Floats of scratch per thread: the S/P and dP blocks. */
    static long scratchFloats(int tq, int tk) {
        return 2L * queriesPerBlock(tq, tk) * tk;
    }

    /**
     * dq, dk, dv (fresh zero-filled [B,H,T,D] outputs, contiguous; any may be null) for q [B,H,Tq,D], k [B,H,Tk,D],
     * v [B,H,Tk,Dv], output gradient g [B,H,Tq,Dv] and mask (broadcastable to [B,H,Tq,Tk]) or null.
     */
    static void backward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor g,
                         Tensor dq, Tensor dk, Tensor dv) {
        backward(q, k, v, mask, causal, scale, g, null, dq, dk, dv, queriesPerBlock(q.size(2), k.size(2), causal));
    }

    /**
     * As {@link #backward(Tensor, Tensor, Tensor, Tensor, boolean, float, Tensor, Tensor, Tensor, Tensor)} reading the
     * probabilities P [B,H,Tq,Tk] (contiguous) the forward kept ({@link FlashAttention.Probabilities}) instead of
     * recomputing them: each block reads its rows of P in place where it would run QKᵀ and the softmax (a third of the
     * backward of the demo's LM attention, [8,4,121,32] causal); p null recomputes.
     */
    static void backward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor g, Tensor p,
                         Tensor dq, Tensor dk, Tensor dv) {
        backward(q, k, v, mask, causal, scale, g, p, dq, dk, dv, queriesPerBlock(q.size(2), k.size(2), causal));
    }

    /** As {@link #backward(Tensor, Tensor, Tensor, Tensor, boolean, float, Tensor, Tensor, Tensor, Tensor, Tensor)} with bq queries a block (tests). */
    static void backward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor g, Tensor saved,
                         Tensor dq, Tensor dk, Tensor dv, int bq) {
        int batch = q.size(0), heads = q.size(1), tq = q.size(2), d = q.size(3), tk = k.size(2), dvw = v.size(3);
        if (batch == 0 || heads == 0 || tq == 0 || tk == 0) return;
        FlashAttention.Operand qo = CpuAttention.operand(q), ko = CpuAttention.operand(k), vo = CpuAttention.operand(v),
                go = CpuAttention.operand(g);
        Tensor m = mask == null ? null : HostArrays.heap(mask.expand(batch, heads, tq, tk));
        FlashAttention.Mask mo = m == null ? null
                : new FlashAttention.Mask(m.storage().array(), m.offset(), m.stride(0), m.stride(1), m.stride(2), m.stride(3));
        Grad gq = Grad.of(dq, heads, tq, d), gk = Grad.of(dk, heads, tk, d), gv = Grad.of(dv, heads, tk, dvw);
        if (saved != null && (!saved.isContiguous() || saved.storage().array() == null || saved.numel() != (long) batch * heads * tq * tk))
            throw new IllegalArgumentException("attention backward: kept probabilities " + dev.elixr.tensor.Shape.str(saved.shape())
                    + " are not a contiguous [" + batch + "," + heads + "," + tq + "," + tk + "] array");
        float[] pd = saved == null ? null : saved.storage().array();
        int pOff = saved == null ? 0 : saved.offset();
        Parallel.forRange(batch * heads, 1, (s, e) -> {
            float[] p = new float[bq * tk], ds = new float[bq * tk];
            for (int t = s; t < e; t++) {
                int pHead = pd == null ? -1 : pOff + t * tq * tk;
                head(t / heads, t % heads, tq, tk, d, dvw, bq, qo, ko, vo, go, mo, causal, scale, gq, gk, gv, p, ds, pd, pHead);
            }
        });
    }

    /**
     * One row of dS·scale in place of dP: scale·P⊙(dP − Σ dP⊙P) (the softmax backward, {@link CpuSoftmaxBackward#contiguous},
     * with the scale both dQ and dK take folded in, so that their products run with alpha = 1); P's row at po, dP's at o.
     */
    static void scaledSoftmaxGradient(float[] p, int po, float[] dp, int o, int n, float scale) {
        FloatVector acc = FloatVector.zero(F);
        int b = F.loopBound(n), j = 0;
        for (; j < b; j += L) acc = FloatVector.fromArray(F, dp, o + j).fma(FloatVector.fromArray(F, p, po + j), acc);
        float dot = Simd.sumLanes(acc);
        for (; j < n; j++) dot += dp[o + j] * p[po + j];
        FloatVector vd = FloatVector.broadcast(F, dot), vs = FloatVector.broadcast(F, scale);
        for (j = 0; j < b; j += L)
            FloatVector.fromArray(F, p, po + j).mul(vs).mul(FloatVector.fromArray(F, dp, o + j).sub(vd)).intoArray(dp, o + j);
        for (; j < n; j++) dp[o + j] = p[po + j] * scale * (dp[o + j] - dot);
    }

    /** A gradient output [B,H,T,W], contiguous, or null when not wanted. */
    private record Grad(float[] data, int off, int heads, int t, int w) {
        static Grad of(Tensor x, int heads, int t, int w) {
            return x == null ? null : new Grad(x.storage().array(), x.offset(), heads, t, w);
        }

        int base(int b, int h) { return off + ((b * heads + h) * t) * w; }
    }

    private static void head(int b, int h, int tq, int tk, int d, int dvw, int bq, FlashAttention.Operand q,
                             FlashAttention.Operand k, FlashAttention.Operand v, FlashAttention.Operand g,
                             FlashAttention.Mask mask, boolean causal, float scale, Grad gq, Grad gk, Grad gv, float[] p, float[] ds,
                             float[] saved, int savedHead) {
        int qb = q.base(b, h), kb = k.base(b, h), vb = v.base(b, h), gb = g.base(b, h);
        for (int i0 = 0; i0 < tq; i0 += bq) {
            int rows = Math.min(bq, tq - i0);
            int keys = causal ? Math.max(0, Math.min(tk, i0 + rows + tk - tq)) : tk; // the last query's visible keys
            if (keys == 0) continue; // every row masked: P = 0, nothing flows (dq's rows stay zero)
            int qi = qb + i0 * q.st(), gi = gb + i0 * g.st();
            // P: the forward's kept rows read in place (row pitch Tk; zero past each row's visible keys), or recomputed here
            float[] pa = saved != null ? saved : p;
            int po = saved != null ? savedHead + i0 * tk : 0, pp = saved != null ? tk : keys;
            if (saved == null) {
                Sgemm.sgemmSerial(false, true, rows, keys, d, 1f, q.data(), qi, q.st(), k.data(), kb, k.st(), 0f, p, 0, keys);
                for (int r = 0; r < rows; r++) {
                    int i = i0 + r, visible = causal ? Math.max(0, Math.min(tk, i + tk - tq + 1)) : tk;
                    int mi = mask == null ? 0 : mask.off() + b * mask.sb() + h * mask.sh() + i * mask.sq();
                    CpuAttention.probabilityRow(p, r * keys, p, r * keys, keys, Math.min(visible, keys), scale,
                            mask == null ? null : mask.data(), mi, mask == null ? 0 : mask.sk());
                }
            }
            if (gv != null)
                Sgemm.sgemmSerial(true, false, keys, dvw, rows, 1f, pa, po, pp, g.data(), gi, g.st(), 1f, gv.data(), gv.base(b, h), Math.max(1, dvw));
            if (gq == null && gk == null) continue;
            Sgemm.sgemmSerial(false, true, rows, keys, dvw, 1f, g.data(), gi, g.st(), v.data(), vb, v.st(), 0f, ds, 0, keys);
            for (int r = 0; r < rows; r++) scaledSoftmaxGradient(pa, po + r * pp, ds, r * keys, keys, scale);
            if (gq != null)
                Sgemm.sgemmSerial(false, false, rows, d, keys, 1f, ds, 0, keys, k.data(), kb, k.st(), 0f, gq.data(), gq.base(b, h) + i0 * d, Math.max(1, d));
            if (gk != null)
                Sgemm.sgemmSerial(true, false, keys, d, rows, 1f, ds, 0, keys, q.data(), qi, q.st(), 1f, gk.data(), gk.base(b, h), Math.max(1, d));
        }
    }
}
