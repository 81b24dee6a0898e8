package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused scaled dot-product attention, softmax(scale·QKᵀ + mask)·V, with the online softmax of
 * FlashAttention (Dao et al. 2022, Algorithm 1; Milakov and Gimelshein 2018): per (batch, head, block of
 * BQ queries) the keys are visited in blocks of BK; a BQ×BK score tile lives in L1/L2 only, each row
 * keeps its running max m and sum l, and the output accumulator is rescaled by exp(m_old − m_new)
 * when the max grows. The score matrix is never written out, so memory stays O(BQ·(BK + D)) per thread
 * for any sequence length. Per head, Kᵀ and V are packed once into Sgemm's panel layout; both products
 * then run on {@link Sgemm#gemmPackedB} with Q and the probabilities read in place (no per-tile packing).
 * Threads split the heads (or, with fewer heads than threads, groups of query blocks of a head).
 *
 * <p>Causal masking aligns the last query with the last key, as the reference (query i sees keys
 * j ≤ i + Tk − Tq; PyTorch's {@code is_causal} when Tq = Tk, and right for a decode step against a KV
 * cache); key blocks entirely in the future are skipped, a causal block of {@link #CAUSAL_BQ} queries reads only the
 * keys its last query sees (in QKᵀ and in P·V), and each row's exponentials stop at its own last key. A row whose
 * every score is −∞ gives zeros.
 */
public final class FlashAttention {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int VL = S.length();
    static final int BQ = 64, BK = 128;
    /**
     * Queries per block of a causal attention: each block's products stop at its last query's keys, so smaller blocks
     * compute less of the masked triangle. Scratch harness, [8,4,T,32] causal, one thread, AVX2 Zen 3: T = 121 1.13 ms
     * against 1.28 at 64 (8: 1.15, 24: 1.18), T = 256 3.89 against 4.45.
     */
    static final int CAUSAL_BQ = 16;

    private FlashAttention() {}

    /** A [B, H, T, D] operand with unit stride along D: element (b, h, t, d) at off + b·sb + h·sh + t·st + d. */
    public record Operand(float[] data, int off, int sb, int sh, int st) {
        int base(int b, int h) { return off + b * sb + h * sh; }
    }

    /** An additive mask broadcast to [B, H, Tq, Tk] (stride 0 on broadcast axes). */
    public record Mask(float[] data, int off, int sb, int sh, int sq, int sk) {}

    /** out[b,h,i,:] = Σ_j softmax_j(scale·q_i·k_j + mask[b,h,i,j]) v_j; q, k have head size d, v and out dv. */
    public static void attention(int batch, int heads, int tq, int tk, int d, int dv, Operand q, Operand k, Operand v,
                                 Mask mask, boolean causal, float scale, Operand out) {
        attention(batch, heads, tq, tk, d, dv, q, k, v, mask, causal, scale, out, null);
    }

    /**
     * Where attention's probabilities P [B,H,Tq,Tk] (row-major from off) are kept for the backward: the array must be
     * zero-filled, since only each query block's visible keys are written.
     */
    public record Probabilities(float[] data, int off) {
        int row(int heads, int tq, int tk, int b, int h, int i) { return off + ((b * heads + h) * tq + i) * tk; }
    }

    /**
     * As {@link #attention(int, int, int, int, int, int, Operand, Operand, Operand, Mask, boolean, float, Operand)}, also
     * writing P into {@code p} (null: not kept). With one key block (Tk ≤ BK) each row's exponentials, still in the
     * score tile, are written times 1/l ({@link CpuAttention#probabilityRow}'s arithmetic on the forward's scores); with
     * several, each block's exponentials are copied out as they are made, with the running max they were taken
     * against, and scaled by exp(m_then − m_final) / l when the block of queries is done.
     */
    public static void attention(int batch, int heads, int tq, int tk, int d, int dv, Operand q, Operand k, Operand v,
                                 Mask mask, boolean causal, float scale, Operand out, Probabilities p) {
        if (batch == 0 || heads == 0 || tq == 0 || dv == 0) return;
        if (tq == 1) {
            decode(batch * heads, heads, tk, d, dv, q, k, v, mask, scale, out, p);
            return;
        }
        int bq = causal ? CAUSAL_BQ : BQ, qBlocks = (tq + bq - 1) / bq, bh = batch * heads;
        // one task per head when there are enough heads; else heads split into groups of query blocks
        int groups = bh >= Parallel.threads() ? 1 : Math.min(qBlocks, (2 * Parallel.threads() + bh - 1) / bh);
        int perGroup = (qBlocks + groups - 1) / groups;
        int dvp = Sgemm.roundUp(dv, Sgemm.NR), kBlocks = (tk + BK - 1) / BK;
        Parallel.forRange(bh * groups, 1, (s, e) -> {
            Tile tile = new Tile(dv, kBlocks);
            float[] kp = new float[Sgemm.roundUp(Math.max(1, tk), Sgemm.NR) * d + CacheLines.SLACK];
            float[] vp = new float[kBlocks * dvp * BK + CacheLines.SLACK];
            int ko = CacheLines.floatsToLine(kp), vo = CacheLines.floatsToLine(vp), packed = -1; // strips on cache lines
            for (int t = s; t < e; t++) {
                int head = t / groups, b = head / heads, h = head % heads;
                int qb0 = (t % groups) * perGroup, qb1 = Math.min(qBlocks, qb0 + perGroup);
                if (qb0 >= qb1) continue;
                if (packed != head) { // Kᵀ as NR-key strips over d, V per key block as NR-column strips over its keys
                    if (tk > 0 && d > 0) Sgemm.packB(true, k.data(), k.base(b, h), k.st(), d, tk, kp, ko);
                    for (int j0 = 0; j0 < tk; j0 += BK)
                        Sgemm.packB(false, v.data(), v.base(b, h) + j0 * v.st(), v.st(), Math.min(BK, tk - j0), dv, vp, vo + (j0 / BK) * dvp * BK);
                    packed = head;
                }
                for (int qb = qb0; qb < qb1; qb++) {
                    int i0 = qb * bq;
                    block(b, h, i0, Math.min(bq, tq - i0), tq, tk, d, dv, q, kp, ko, vp, vo, mask, causal, scale, out, tile,
                            p == null ? -1 : p.row(heads, tq, tk, b, h, i0), p == null ? null : p.data());
                }
            }
        });
    }

    /** Below this many multiply-adds a one-query attention runs on the calling thread (a hand-off costs more). */
    static final int DECODE_INLINE_WORK = 1 << 18;

    /**
     * One query per head (a decoding step against a cache; the causal rule then hides no key): per head the scores
     * q·k_j·scale (+ mask) over all keys, softmax, then Σ_j p_j·v_j, reading K and V in place with no packing. Heads are
     * split across threads ({@link Parallel#forChunks}) when the work is large enough, else run inline.
     */
    private static void decode(int bh, int heads, int tk, int d, int dv, Operand q, Operand k, Operand v, Mask mask, float scale, Operand out,
                               Probabilities kept) {
        Parallel.RangeBody body = (s, e) -> {
            float[] p = new float[Math.max(1, tk)], acc = new float[dv];
            for (int t = s; t < e; t++) {
                float inv = decodeHead(t / heads, t % heads, tk, d, dv, q, k, v, mask, scale, out, p, acc);
                if (kept != null && inv != 0f) { // P = the exponentials times 1/l (a row with no visible key stays zero)
                    int row = kept.row(heads, 1, tk, t / heads, t % heads, 0);
                    for (int j = 0; j < tk; j++) kept.data()[row + j] = p[j] * inv;
                }
            }
        };
        if ((long) bh * tk * (d + dv) < DECODE_INLINE_WORK) body.run(0, bh);
        else Parallel.forChunks(bh, 1, body);
    }

    /** One head's decoding step; leaves the exponentials in p and returns 1/l (0 when no key is visible). */
    private static float decodeHead(int b, int h, int tk, int d, int dv, Operand q, Operand k, Operand v, Mask mask, float scale, Operand out,
                                    float[] p, float[] acc) {
        float[] qd = q.data(), kd = k.data(), vd = v.data();
        int qb = q.base(b, h), kb = k.base(b, h), vb = v.base(b, h), dVec = d - d % VL;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < tk; j++) {
            int kr = kb + j * k.st();
            float dot = 0f;
            if (dVec > 0) {
                FloatVector sum = FloatVector.fromArray(S, qd, qb).mul(FloatVector.fromArray(S, kd, kr));
                for (int c = VL; c < dVec; c += VL) sum = FloatVector.fromArray(S, qd, qb + c).fma(FloatVector.fromArray(S, kd, kr + c), sum);
                dot = Simd.sumLanes(sum);
            }
            for (int c = dVec; c < d; c++) dot += qd[qb + c] * kd[kr + c];
            float sj = dot * scale;
            if (mask != null) sj += mask.data()[mask.off() + b * mask.sb() + h * mask.sh() + j * mask.sk()];
            p[j] = sj;
            max = Math.max(max, sj);
        }
        int o = out.base(b, h);
        if (max == Float.NEGATIVE_INFINITY) { // no visible key: zeros, as the reference
            java.util.Arrays.fill(out.data(), o, o + dv, 0f);
            return 0f;
        }
        float l = VectorMath.expShiftedSum(p, 0, max, p, 0, tk, true);
        valueSums(p, tk, vd, vb, v.st(), dv, acc);
        float inv = 1f / l;
        for (int c = 0; c < dv; c++) out.data()[o + c] = acc[c] * inv;
        return inv;
    }

    /**
     * acc[c] = Σ_j p[j]·v[vb + j·st + c] over the keys in order (keys with p = 0 skipped), each element one FMA chain.
     * Four vectors of the output (64 floats at 512 bits: a whole head) stay in registers across all the keys, then the
     * next four: no load and store of the accumulator per key, whose store-to-load round trip bounded the earlier form
     * (the same operations on each element in the same order, so the same bits).
     */
    static void valueSums(float[] p, int tk, float[] vd, int vb, int st, int dv, float[] acc) {
        int dvVec = dv - dv % VL, c0 = 0;
        for (; c0 + 4 * VL <= dvVec; c0 += 4 * VL) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0; j < tk; j++) {
                float pj = p[j];
                if (pj == 0f) continue;
                int vr = vb + j * st + c0;
                FloatVector pv = FloatVector.broadcast(S, pj);
                a0 = FloatVector.fromArray(S, vd, vr).fma(pv, a0);
                a1 = FloatVector.fromArray(S, vd, vr + VL).fma(pv, a1);
                a2 = FloatVector.fromArray(S, vd, vr + 2 * VL).fma(pv, a2);
                a3 = FloatVector.fromArray(S, vd, vr + 3 * VL).fma(pv, a3);
            }
            a0.intoArray(acc, c0);
            a1.intoArray(acc, c0 + VL);
            a2.intoArray(acc, c0 + 2 * VL);
            a3.intoArray(acc, c0 + 3 * VL);
        }
        for (; c0 < dvVec; c0 += VL) {
            FloatVector a0 = FloatVector.zero(S);
            for (int j = 0; j < tk; j++) {
                float pj = p[j];
                if (pj != 0f) a0 = FloatVector.fromArray(S, vd, vb + j * st + c0).fma(FloatVector.broadcast(S, pj), a0);
            }
            a0.intoArray(acc, c0);
        }
        for (int c = dvVec; c < dv; c++) {
            float a = 0f;
            for (int j = 0; j < tk; j++) {
                float pj = p[j];
                if (pj != 0f) a += pj * vd[vb + j * st + c];
            }
            acc[c] = a;
        }
    }

    /** One thread's scratch: the score tile, output accumulators, running max and sum, and the max each key block's P took. */
    private static final class Tile {
        final float[] sc = new float[BQ * BK], m = new float[BQ], l = new float[BQ], acc, mAt;
        final int kBlocks;

        Tile(int dv, int kBlocks) {
            acc = new float[BQ * dv];
            mAt = new float[BQ * kBlocks];
            this.kBlocks = kBlocks;
        }
    }

    /** Queries [i0, i0+rows) of head (b, h), Kᵀ and V packed from ko of kp and vo of vp; P's rows from pAt of pd when pd is not null. */
    private static void block(int b, int h, int i0, int rows, int tq, int tk, int d, int dv, Operand q, float[] kp, int ko, float[] vp, int vo,
                              Mask mask, boolean causal, float scale, Operand out, Tile tile, int pAt, float[] pd) {
        float[] sc = tile.sc, acc = tile.acc, m = tile.m, l = tile.l;
        java.util.Arrays.fill(m, 0, rows, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(l, 0, rows, 0f);
        java.util.Arrays.fill(acc, 0, rows * dv, 0f);
        int qb = q.base(b, h) + i0 * q.st(), shift = tk - tq, dvp = Sgemm.roundUp(dv, Sgemm.NR);
        int kEnd = causal ? Math.max(0, Math.min(tk, i0 + rows + shift)) : tk;
        for (int j0 = 0; j0 < kEnd; j0 += BK) {
            int cols = Math.min(BK, kEnd - j0);
            // Q_blk · K_blkᵀ (Q read in place, Kᵀ packed once per head; alpha = 1 keeps whole tiles on the direct store),
            // then per row one pass: ·scale, + mask, the causal cut, the row max (the same bits as scaling in the product)
            if (d == 0) java.util.Arrays.fill(sc, 0f);
            else Sgemm.gemmPackedB(q.data(), qb, q.st(), rows, kp, ko + j0 * d, cols, d, 1f, 0f, sc, 0, BK);
            for (int r = 0; r < rows; r++) {
                int visible = causal ? Math.max(0, Math.min(cols, i0 + r + shift + 1 - j0)) : cols;
                int mi = mask == null ? 0 : mask.off() + b * mask.sb() + h * mask.sh() + (i0 + r) * mask.sq() + j0 * mask.sk();
                float rowMax = scaleMaskMax(sc, r * BK, sc, r * BK, visible, scale, mask == null ? null : mask.data(), mi,
                        mask == null ? 0 : mask.sk());
                onlineSoftmaxRow(sc, r * BK, visible, r, rowMax, m, l, acc, dv); // exponentials of the visible keys only
                java.util.Arrays.fill(sc, r * BK + visible, r * BK + cols, 0f); // the causal cut: P = 0
            }
            // O += P · V_blk over the block's first cols keys (P read in place from the score tile, V packed once per
            // head in key blocks of kUsed rows: a causal block's later keys, which none of its queries sees, are not read)
            int vOff = vo + (j0 / BK) * dvp * BK, kUsed = Math.min(BK, tk - j0);
            Sgemm.gemmPackedB(sc, 0, BK, rows, vp, vOff, kUsed, dv, cols, 1f, 1f, acc, 0, dv);
            if (pd != null && tk > BK) // several key blocks: each block's exponentials kept with the max they took
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(sc, r * BK, pd, pAt + r * tk + j0, cols);
                    tile.mAt[r * tile.kBlocks + j0 / BK] = m[r];
                }
        }
        for (int r = 0; r < rows; r++) {
            float inv = l[r] == 0f ? 0f : 1f / l[r]; // no visible key: zeros, as the reference
            int o = out.base(b, h) + (i0 + r) * out.st();
            for (int c = 0; c < dv; c++) out.data()[o + c] = acc[r * dv + c] * inv;
            if (pd == null) continue;
            if (tk > BK) normaliseProbabilities(pd, pAt + r * tk, kEnd, m[r], inv, tile.mAt, r * tile.kBlocks);
            else scaleInto(sc, r * BK, kEnd, inv, pd, pAt + r * tk); // one key block: its exponentials are still in the tile
        }
    }

    /** dst[d, d+n) = src[s, s+n)·f. */
    private static void scaleInto(float[] src, int s, int n, float f, float[] dst, int d) {
        FloatVector vf = FloatVector.broadcast(S, f);
        int c = 0;
        for (int cv = S.loopBound(n); c < cv; c += VL) FloatVector.fromArray(S, src, s + c).mul(vf).intoArray(dst, d + c);
        for (; c < n; c++) dst[d + c] = src[s + c] * f;
    }

    /** A row of kept exponentials, key block by key block, times exp(m_then − m_final)·inv (inv = 0: a row of zeros). */
    private static void normaliseProbabilities(float[] pd, int row, int kEnd, float mFinal, float inv, float[] mAt, int at) {
        for (int j0 = 0, jb = 0; j0 < kEnd; j0 += BK, jb++) {
            int n = Math.min(BK, kEnd - j0), o = row + j0, c = 0;
            float mThen = mAt[at + jb];
            float f = inv == 0f || mThen == Float.NEGATIVE_INFINITY ? 0f : mThen == mFinal ? inv : VectorMath.exp(mThen - mFinal) * inv;
            FloatVector vf = FloatVector.broadcast(S, f);
            for (int cv = S.loopBound(n); c < cv; c += VL) FloatVector.fromArray(S, pd, o + c).mul(vf).intoArray(pd, o + c);
            for (; c < n; c++) pd[o + c] *= f;
        }
    }

    /**
     * out[o, o+n) = in[si…]·scale (+ the mask md from mo, stride mk along keys; md null: none), returning their maximum;
     * out may be in at the same position. Vectors where the mask is contiguous or absent. The score rows of this kernel
     * and {@link CpuAttention#probabilityRow}'s.
     */
    static float scaleMaskMax(float[] in, int si, float[] out, int o, int n, float scale, float[] md, int mo, int mk) {
        int j = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (md == null || mk == 1) {
            FloatVector vs = FloatVector.broadcast(S, scale), mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int jv = n - n % VL; j < jv; j += VL) {
                FloatVector x = FloatVector.fromArray(S, in, si + j).mul(vs);
                if (md != null) x = x.add(FloatVector.fromArray(S, md, mo + j));
                x.intoArray(out, o + j);
                mx = mx.max(x);
            }
            max = mx.reduceLanes(VectorOperators.MAX);
        }
        for (; j < n; j++) {
            float x = md == null ? in[si + j] * scale : in[si + j] * scale + md[mo + j * mk];
            out[o + j] = x;
            max = Math.max(max, x);
        }
        return max;
    }

    /** Turns score row r (its max rowMax) into probabilities relative to the new running max; rescales l and the output row. */
    private static void onlineSoftmaxRow(float[] sc, int off, int cols, int r, float rowMax, float[] m, float[] l, float[] acc, int d) {
        float mNew = Math.max(m[r], rowMax);
        if (mNew == Float.NEGATIVE_INFINITY) { // everything masked so far: contributes nothing
            java.util.Arrays.fill(sc, off, off + cols, 0f);
            return;
        }
        // exponentials and their sum in a fixed order: the same bits in every JIT tier (VectorMath, Simd.sumLanes)
        float s = VectorMath.expShiftedSum(sc, off, mNew, sc, off, cols, true);
        float corr = m[r] == Float.NEGATIVE_INFINITY ? 0f : VectorMath.exp(m[r] - mNew);
        l[r] = l[r] * corr + s;
        m[r] = mNew;
        if (corr != 1f) {
            int a = r * d, c = 0;
            for (; c + VL <= d; c += VL) FloatVector.fromArray(S, acc, a + c).mul(corr).intoArray(acc, a + c);
            for (; c < d; c++) acc[a + c] *= corr;
        }
    }
}
