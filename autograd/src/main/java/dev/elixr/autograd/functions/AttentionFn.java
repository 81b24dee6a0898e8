package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.cpu.VectorMath;
import dev.elixr.tensor.ops.MatMul;

/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1) with additive mask and causal option, with backward.
 * The forward is the fused kernel (no B·H·Tq·Tk tensor is kept); the backward recomputes the probabilities
 * P = softmax(q·kᵀ·scale + mask) and applies dV = Pᵀ·g, dP = g·vᵀ, dS = P⊙(dP − Σ dP⊙P), dQ = dS·k·scale,
 * dK = dSᵀ·q·scale. Causal: query i sees keys j ≤ i + Tk − Tq; rows with every key masked have P = 0, as the kernel.
 */
public final class AttentionFn {
    private AttentionFn() {}

    public static Var attention(Var q, Var k, Var v, Tensor mask, boolean causal, float scale) {
        Tensor qv = q.value(), kv = k.value(), vv = v.value();
        Tensor out = dev.elixr.tensor.ops.Attention.scaledDotProduct(qv, kv, vv, mask, causal, scale);
        return Var.result("attention", out, g -> {
            Tensor p = probabilities(qv, kv, mask, causal, scale);
            Tensor dv = v.requiresGrad() ? MatMul.matmul(p.transpose(-2, -1), g) : null;
            if (!q.requiresGrad() && !k.requiresGrad()) return new Tensor[] {null, null, dv};
            Tensor ds = scoreGradient(p, MatMul.matmul(g, vv.transpose(-2, -1)), scale);
            Tensor dq = q.requiresGrad() ? MatMul.matmul(ds, kv) : null;
            Tensor dk = k.requiresGrad() ? MatMul.matmul(ds.transpose(-2, -1), qv) : null;
            return new Tensor[] {dq, dk, dv};
        }, q, k, v);
    }

    /**
     * softmax(q·kᵀ·scale + mask, causal) per row [B,H,Tq,Tk]; all-masked rows are zeros. Per row: scores scaled and
     * the mask row added in one pass (the mask is read from a dense copy of its own, unexpanded shape), the row max,
     * then tensor-core's vectorised exponentials ({@link VectorMath#expShifted}; e^−∞ = 0) over the visible keys.
     */
    static Tensor probabilities(Tensor q, Tensor k, Tensor mask, boolean causal, float scale) {
        Tensor s = MatMul.matmul(q, k.transpose(-2, -1));
        int[] shape = s.shape();
        int tq = shape[2], tk = shape[3], heads = shape[1], rows = s.numel() / tk;
        float[] p = Host.read(s); // s is ours: overwritten in place
        float[] md = mask == null ? null : Host.read(mask.toCpu());
        int[] ms = mask == null ? null : Tensor.wrap(md, mask.shape()).expand(shape).strides();
        Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, tk)), (from, to) -> {
            float[] filled = ms != null && ms[3] == 0 ? new float[tk] : null; // a mask broadcast along the keys
            for (int r = from; r < to; r++) {
                int i = r % tq, bh = r / tq, h = bh % heads, b = bh / heads, o = r * tk;
                int visible = causal ? Math.max(0, Math.min(tk, i + tk - tq + 1)) : tk;
                float max = Float.NEGATIVE_INFINITY;
                if (md == null) {
                    for (int j = 0; j < visible; j++) p[o + j] *= scale;
                } else {
                    float[] mrow = md;
                    int mo = b * ms[0] + h * ms[1] + i * ms[2];
                    if (filled != null) {
                        java.util.Arrays.fill(filled, 0, visible, md[mo]);
                        mrow = filled;
                        mo = 0;
                    }
                    for (int j = 0; j < visible; j++) p[o + j] = p[o + j] * scale + mrow[mo + j];
                }
                for (int j = 0; j < visible; j++) max = Math.max(max, p[o + j]);
                java.util.Arrays.fill(p, o + visible, o + tk, 0f);
                if (max == Float.NEGATIVE_INFINITY) {
                    java.util.Arrays.fill(p, o, o + visible, 0f);
                    continue;
                }
                VectorMath.expShifted(p, o, max, p, o, visible);
                double sum = 0;
                for (int j = 0; j < visible; j++) sum += p[o + j];
                float inv = (float) (1 / sum);
                for (int j = 0; j < visible; j++) p[o + j] *= inv;
            }
        });
        return Host.put(p, shape, q.device());
    }

    /** dS = P⊙(dP − Σⱼ dP⊙P)·scale, row by row. */
    private static Tensor scoreGradient(Tensor p, Tensor dp, float scale) {
        int tk = p.size(-1), rows = p.numel() / tk;
        float[] ps = Host.read(p), out = Host.read(dp); // dp is ours: overwritten in place
        Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, tk)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * tk;
                double dot = 0;
                for (int j = 0; j < tk; j++) dot += (double) out[o + j] * ps[o + j];
                for (int j = 0; j < tk; j++) out[o + j] = (float) (ps[o + j] * (out[o + j] - dot) * scale);
            }
        });
        return Host.put(out, p.shape(), p.device());
    }
}
