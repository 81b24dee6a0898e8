package dev.elixr.tensor.ops;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.backend.SoftmaxMode;

/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1): softmax(q·kᵀ·scale + mask)·v. With causal,
 * query i sees keys j ≤ i + Tk − Tq (the last query sees every key: PyTorch's is_causal when Tq = Tk, and
 * right for a query block that continues a key cache). Rows with every key masked give zeros.
 */
public final class Attention {
    private Attention() {}

    /** q [B,H,Tq,D], k [B,H,Tk,D], v [B,H,Tk,Dv], additive mask broadcastable to [B,H,Tq,Tk] or null; scale 1/√D. */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal) {
        return scaledDotProduct(q, k, v, mask, causal, q.dim() == 4 ? (float) (1.0 / Math.sqrt(q.size(3))) : 1f);
    }

    /** The operands' shapes for an error message (built only then: a decoding step calls attention once per layer). */
    private static String shapes(Tensor q, Tensor k, Tensor v) {
        return "q " + Outputs.str(q) + ", k " + Outputs.str(k) + ", v " + Outputs.str(v);
    }

    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale) {
        Tensor m = checkedMask(q, k, v, mask);
        Backend be = Backends.of("attention", q, k, v, mask);
        Tensor out = Outputs.allocate(be, q.size(0), q.size(1), q.size(2), v.size(3));
        be.attention(q, k, v, m, causal, scale, out);
        return out;
    }

    /** The most floats of P that {@link #scaledDotProductKeeping} keeps (16 MiB; a larger attention recomputes P). */
    public static final long KEEP_FLOATS = 1L << 22;

    /**
     * {@link #scaledDotProduct} and the probabilities P [B,H,Tq,Tk] it took, kept for {@link #backward(Tensor, Tensor,
     * Tensor, Tensor, boolean, float, Tensor, Tensor, boolean, boolean, boolean)} where the backend keeps them and P has at
     * most {@link #KEEP_FLOATS} floats: {out, P}, or {out, null}.
     */
    public static Tensor[] scaledDotProductKeeping(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale) {
        Tensor m = checkedMask(q, k, v, mask);
        Backend be = Backends.of("attention", q, k, v, mask);
        Tensor out = Outputs.allocate(be, q.size(0), q.size(1), q.size(2), v.size(3));
        if (!be.keepsAttentionProbabilities() || keptFloats(q, k) > KEEP_FLOATS) {
            be.attention(q, k, v, m, causal, scale, out);
            return new Tensor[] {out, null};
        }
        Tensor p = Outputs.allocate(be, q.size(0), q.size(1), q.size(2), k.size(2));
        be.attention(q, k, v, m, causal, scale, out, p);
        return new Tensor[] {out, p};
    }

    /** The floats of P for q [B,H,Tq,D] and k [B,H,Tk,D]. */
    public static long keptFloats(Tensor q, Tensor k) { return (long) q.size(0) * q.size(1) * q.size(2) * k.size(2); }

    /** The mask expanded to the scores [B,H,Tq,Tk] (null: none), after checking the operands' shapes. */
    private static Tensor checkedMask(Tensor q, Tensor k, Tensor v, Tensor mask) {
        if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4) {
            throw new IllegalArgumentException("attention: " + shapes(q, k, v) + ": all three must be [B,H,T,D]");
        }
        if (k.size(0) != q.size(0) || v.size(0) != q.size(0) || k.size(1) != q.size(1) || v.size(1) != q.size(1)) {
            throw new IllegalArgumentException("attention: " + shapes(q, k, v) + ": batch and head dimensions differ");
        }
        if (k.size(3) != q.size(3)) {
            throw new IllegalArgumentException("attention: " + shapes(q, k, v) + ": q and k head sizes " + q.size(3) + " and " + k.size(3) + " differ");
        }
        if (v.size(2) != k.size(2)) {
            throw new IllegalArgumentException("attention: " + shapes(q, k, v) + ": k and v key counts " + k.size(2) + " and " + v.size(2) + " differ");
        }
        if (mask == null) return null;
        int[] scores = {q.size(0), q.size(1), q.size(2), k.size(2)};
        if (!broadcastsTo(mask.shape(), scores)) {
            throw new IllegalArgumentException("attention: mask " + Outputs.str(mask) + " does not broadcast to the scores "
                    + Shape.str(scores) + " [B,H,Tq,Tk]");
        }
        return mask.expand(scores);
    }

    /**
     * The attention probabilities P = softmax(q·kᵀ·scale + mask) [B,H,Tq,Tk] with the causal rule and all-masked rows
     * zero, as {@link #scaledDotProduct} uses them (materialised: for the backward pass).
     */
    public static Tensor probabilities(Tensor q, Tensor k, Tensor mask, boolean causal, float scale) {
        Tensor s = MatMul.matmul(q, k.transpose(-2, -1));
        Backend be = Backends.of("attention probabilities", s, mask);
        be.attentionProbabilities(s, mask == null ? null : mask.expand(s.shape()), causal, scale, s); // in place: s is ours
        return s;
    }

    /**
     * Gradients of {@link #scaledDotProduct} for output gradient g, recomputing P: dV = Pᵀ·g, dP = g·vᵀ,
     * dS = P⊙(dP − Σ dP⊙P) (the softmax backward), dQ = dS·k·scale, dK = dSᵀ·q·scale. Returns {dq, dk, dv}, null where
     * the need flag is false. Where the backend fuses it ({@link Backend#fusesAttentionBackward}: the CPU, per head in
     * blocks of queries) no score tensor is materialised; else {@link #composedBackward} holds P and dS [B,H,Tq,Tk], so a
     * large batch goes through in chunks of images ({@link #BACKWARD_SCORE_FLOATS}): a checkpointed ViT-B/16 at 384² in
     * a 22 GiB heap held two 4.4 GB score tensors at 276 images, beyond what the memory plan counted.
     */
    public static Tensor[] backward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor g,
                                    boolean needQ, boolean needK, boolean needV) {
        return backward(q, k, v, mask, causal, scale, g, null, needQ, needK, needV);
    }

    /**
     * {@link #backward(Tensor, Tensor, Tensor, Tensor, boolean, float, Tensor, boolean, boolean, boolean)} reading the P
     * that {@link #scaledDotProductKeeping} kept (null: recomputed).
     */
    public static Tensor[] backward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor g, Tensor p,
                                    boolean needQ, boolean needK, boolean needV) {
        Backend be = Backends.of("attention backward", q, k, v, g, mask);
        if (!be.fusesAttentionBackward()) return composedBackward(q, k, v, mask, causal, scale, g, needQ, needK, needV, BACKWARD_SCORE_FLOATS);
        Tensor dq = needQ ? Outputs.allocate(be, q.shape()) : null, dk = needK ? Outputs.allocate(be, k.shape()) : null;
        Tensor dv = needV ? Outputs.allocate(be, v.shape()) : null;
        if (needQ || needK || needV) {
            if (p != null) be.attentionBackward(q, k, v, mask, causal, scale, g, p, dq, dk, dv);
            else be.attentionBackward(q, k, v, mask, causal, scale, g, dq, dk, dv);
        }
        return new Tensor[] {dq, dk, dv};
    }

    /** The floats of one score tensor [m,H,Tq,Tk] the composed backward holds at once: chunks of m images, at least one (64 MiB). */
    public static final int BACKWARD_SCORE_FLOATS = 1 << 24;

    /**
     * The backward composed from {@link #probabilities}, batched products and the softmax backward, in chunks of images
     * of at most {@code scoreFloats} floats per score tensor: what a backend that does not fuse it runs, and the
     * reference the fused ones are tested against.
     */
    public static Tensor[] composedBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor g,
                                            boolean needQ, boolean needK, boolean needV, long scoreFloats) {
        int n = q.size(0), m = chunkImages(n, scoresPerImage(q, k), scoreFloats);
        if (m >= n) return wholeBackward(q, k, v, mask, causal, scale, g, needQ, needK, needV);
        Backend be = Backends.of("attention backward", q, k, v, g, mask);
        Tensor dq = needQ ? Outputs.allocate(be, q.shape()) : null, dk = needK ? Outputs.allocate(be, k.shape()) : null;
        Tensor dv = needV ? Outputs.allocate(be, v.shape()) : null;
        for (int b = 0; b < n; b += m) {
            int c = Math.min(m, n - b);
            Tensor chunkMask = mask != null && mask.dim() == 4 && mask.size(0) == n ? mask.narrow(0, b, c) : mask;
            Tensor[] d = wholeBackward(q.narrow(0, b, c), k.narrow(0, b, c), v.narrow(0, b, c), chunkMask, causal, scale,
                    g.narrow(0, b, c), needQ, needK, needV);
            if (needQ) Index.copyInto(d[0], dq.narrow(0, b, c));
            if (needK) Index.copyInto(d[1], dk.narrow(0, b, c));
            if (needV) Index.copyInto(d[2], dv.narrow(0, b, c));
        }
        return new Tensor[] {dq, dk, dv};
    }

    /**
     * The floats of scratch {@link #backward} takes besides dq, dk and dv for n images shaped like q, k and v: where the
     * backend fuses it, its blocks; else one chunk's worth of the composed backward: P and dS, the unscaled products for
     * dq and dk, and, when it goes in chunks, the chunk's three gradients before they are copied into place. With
     * n = Integer.MAX_VALUE, the most it takes for any batch.
     */
    public static long backwardScratchFloats(long n, Tensor q, Tensor k, Tensor v) {
        Backend be = Backends.of("attention backward", q, k, v);
        if (be.fusesAttentionBackward()) return be.attentionBackwardScratchFloats(q.size(2), k.size(2));
        return composedBackwardScratchFloats(n, q, k, v);
    }

    /** The floats of scratch {@link #composedBackward} takes besides dq, dk and dv (see {@link #backwardScratchFloats}). */
    public static long composedBackwardScratchFloats(long n, Tensor q, Tensor k, Tensor v) {
        long scores = scoresPerImage(q, k), heads = q.size(1);
        long unscaled = heads * ((long) q.size(2) * q.size(3) + (long) k.size(2) * k.size(3));
        long gradients = unscaled + heads * k.size(2) * v.size(3);
        int m = chunkImages((int) Math.min(n, Integer.MAX_VALUE), scores, BACKWARD_SCORE_FLOATS);
        return m * (2 * scores + unscaled + (m < n ? gradients : 0));
    }

    private static long scoresPerImage(Tensor q, Tensor k) { return (long) q.size(1) * q.size(2) * k.size(2); }

    private static int chunkImages(int n, long scoresPerImage, long scoreFloats) {
        return (int) Math.max(1, Math.min(n, scoreFloats / Math.max(1, scoresPerImage)));
    }

    private static Tensor[] wholeBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor g,
                                          boolean needQ, boolean needK, boolean needV) {
        Tensor p = probabilities(q, k, mask, causal, scale);
        Tensor dv = needV ? MatMul.matmul(p.transpose(-2, -1), g) : null;
        if (!needQ && !needK) return new Tensor[] {null, null, dv};
        Tensor ds = MatMul.matmul(g, v.transpose(-2, -1)); // dP, turned into dS in place (it is ours)
        Backends.of("attention backward", p, ds).softmaxBackward(SoftmaxMode.SOFTMAX, p, ds, 3, ds);
        Tensor dq = needQ ? Elementwise.mul(MatMul.matmul(ds, k), scale) : null;
        Tensor dk = needK ? Elementwise.mul(MatMul.matmul(ds.transpose(-2, -1), q), scale) : null;
        return new Tensor[] {dq, dk, dv};
    }

    private static boolean broadcastsTo(int[] s, int[] target) {
        if (s.length > target.length) return false;
        for (int i = 0; i < s.length; i++) {
            int t = target[target.length - s.length + i];
            if (s[i] != 1 && s[i] != t) return false;
        }
        return true;
    }
}
