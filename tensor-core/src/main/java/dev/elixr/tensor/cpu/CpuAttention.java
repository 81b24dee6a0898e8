package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1), softmax(q·kᵀ·scale + mask)·v, one query
 * row per step with its score row in a scratch buffer. Causal masking aligns the last query with the
 * last key (query i sees keys j ≤ i + Tk − Tq; the same as PyTorch's when Tq = Tk). A row whose keys are
 * all masked (−∞) gives zeros.
 */
final class CpuAttention {
    private CpuAttention() {}

    static void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor out) {
        if (out.numel() == 0) return;
        q = HostArrays.dense(q);
        k = HostArrays.dense(k);
        v = HostArrays.dense(v);
        Tensor m = HostArrays.heap(mask);
        int[] qs = q.shape();
        int bh = qs[0] * qs[1], tq = qs[2], d = qs[3], tk = k.size(2), dv = v.size(3);
        float[] qa = q.storage().array(), ka = k.storage().array(), va = v.storage().array(), o = out.storage().array();
        float[] ma = m == null ? null : m.storage().array();
        int[] mst = m == null ? null : m.strides();
        int qo = q.offset(), ko = k.offset(), vo = v.offset(), oo = out.offset(), mo = m == null ? 0 : m.offset();
        int heads = qs[1];
        Parallel.forRange(bh * tq, Math.max(1, 4096 / Math.max(1, tk * (d + dv))), (s, e) -> {
            float[] score = new float[tk];
            for (int row = s; row < e; row++) {
                int head = row / tq, i = row % tq;
                int qp = qo + row * d, kb = ko + head * tk * d, vb = vo + head * tk * dv, op = oo + row * dv;
                int limit = causal ? Math.min(tk, i + tk - tq + 1) : tk;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < tk; j++) {
                    float sc;
                    if (j >= limit) sc = Float.NEGATIVE_INFINITY;
                    else {
                        sc = CpuMatMul.dot(qa, qp, ka, kb + j * d, d) * scale;
                        if (ma != null) sc += ma[mo + head / heads * mst[0] + head % heads * mst[1] + i * mst[2] + j * mst[3]];
                    }
                    score[j] = sc;
                    max = Math.max(max, sc);
                }
                java.util.Arrays.fill(o, op, op + dv, 0f);
                if (max == Float.NEGATIVE_INFINITY) continue;
                double sum = 0;
                for (int j = 0; j < tk; j++) {
                    float ex = (float) Math.exp(score[j] - max);
                    score[j] = ex;
                    sum += ex;
                }
                float inv = (float) (1.0 / sum);
                for (int j = 0; j < tk; j++) {
                    float pj = score[j] * inv;
                    if (pj != 0f) axpy(pj, va, vb + j * dv, o, op, dv);
                }
            }
        });
    }

    private static void axpy(float a, float[] x, int px, float[] y, int py, int n) {
        FloatVector va = FloatVector.broadcast(F, a);
        int i = 0;
        for (int b = F.loopBound(n); i < b; i += L) {
            va.fma(FloatVector.fromArray(F, x, px + i), FloatVector.fromArray(F, y, py + i)).intoArray(y, py + i);
        }
        for (; i < n; i++) y[py + i] += a * x[px + i];
    }
}
