package dev.elixr.tensor.reference;

import dev.elixr.tensor.Tensor;

/** Reference scaled dot-product attention: scores, softmax and weighted sum written out, in double. */
public final class Attention {
    private Attention() {}

    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal) {
        return scaledDotProduct(q, k, v, mask, causal, (float) (1.0 / Math.sqrt(q.size(3))));
    }

    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale) {
        int nb = q.size(0), nh = q.size(1), tq = q.size(2), d = q.size(3), tk = k.size(2), dv = v.size(3);
        double[] out = new double[nb * nh * tq * dv];
        double[] s = new double[tk];
        for (int b = 0; b < nb; b++)
            for (int h = 0; h < nh; h++)
                for (int i = 0; i < tq; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        double dot = 0;
                        for (int c = 0; c < d; c++) dot += (double) q.get(b, h, i, c) * k.get(b, h, j, c);
                        s[j] = dot * scale + (mask == null ? 0 : Nd.at(mask, new int[] {b, h, i, j}));
                        if (causal && j > i + tk - tq) s[j] = Double.NEGATIVE_INFINITY;
                        max = Math.max(max, s[j]);
                    }
                    if (max == Double.NEGATIVE_INFINITY) continue;
                    double sum = 0;
                    for (int j = 0; j < tk; j++) sum += Math.exp(s[j] - max);
                    for (int c = 0; c < dv; c++) {
                        double acc = 0;
                        for (int j = 0; j < tk; j++) acc += Math.exp(s[j] - max) / sum * v.get(b, h, j, c);
                        out[((b * nh + h) * tq + i) * dv + c] = acc;
                    }
                }
        return Nd.tensor(out, nb, nh, tq, dv);
    }

    /** P = softmax(q·kᵀ·scale + mask) with the causal rule, all-masked rows zero, in double. */
    public static Tensor probabilities(Tensor q, Tensor k, Tensor mask, boolean causal, float scale) {
        int nb = q.size(0), nh = q.size(1), tq = q.size(2), d = q.size(3), tk = k.size(2);
        double[] p = new double[nb * nh * tq * tk];
        for (int b = 0; b < nb; b++)
            for (int h = 0; h < nh; h++)
                for (int i = 0; i < tq; i++) {
                    int o = ((b * nh + h) * tq + i) * tk;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        double dot = 0;
                        for (int c = 0; c < d; c++) dot += (double) q.get(b, h, i, c) * k.get(b, h, j, c);
                        p[o + j] = dot * scale + (mask == null ? 0 : Nd.at(mask, new int[] {b, h, i, j}));
                        if (causal && j > i + tk - tq) p[o + j] = Double.NEGATIVE_INFINITY;
                        max = Math.max(max, p[o + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < tk; j++) sum += max == Double.NEGATIVE_INFINITY ? 0 : Math.exp(p[o + j] - max);
                    for (int j = 0; j < tk; j++) p[o + j] = sum == 0 ? 0 : Math.exp(p[o + j] - max) / sum;
                }
        return Nd.tensor(p, nb, nh, tq, tk);
    }

    /** {dq, dk, dv} of scaledDotProduct for output gradient g, written out in double. */
    public static Tensor[] backward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale, Tensor g) {
        int nb = q.size(0), nh = q.size(1), tq = q.size(2), d = q.size(3), tk = k.size(2), dv = v.size(3);
        Tensor p = probabilities(q, k, mask, causal, scale);
        double[] dq = new double[q.numel()], dk = new double[k.numel()], dvv = new double[v.numel()];
        for (int b = 0; b < nb; b++)
            for (int h = 0; h < nh; h++)
                for (int i = 0; i < tq; i++) {
                    double[] dp = new double[tk];
                    double dot = 0;
                    for (int j = 0; j < tk; j++) {
                        for (int c = 0; c < dv; c++) {
                            dp[j] += (double) g.get(b, h, i, c) * v.get(b, h, j, c);
                            dvv[((b * nh + h) * tk + j) * dv + c] += (double) p.get(b, h, i, j) * g.get(b, h, i, c);
                        }
                        dot += dp[j] * p.get(b, h, i, j);
                    }
                    for (int j = 0; j < tk; j++) {
                        double ds = p.get(b, h, i, j) * (dp[j] - dot) * scale;
                        for (int c = 0; c < d; c++) {
                            dq[((b * nh + h) * tq + i) * d + c] += ds * k.get(b, h, j, c);
                            dk[((b * nh + h) * tk + j) * d + c] += ds * q.get(b, h, i, c);
                        }
                    }
                }
        return new Tensor[] {Nd.tensor(dq, q.shape()), Nd.tensor(dk, k.shape()), Nd.tensor(dvv, v.shape())};
    }
}
