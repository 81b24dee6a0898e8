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
}
