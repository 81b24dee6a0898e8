package dev.elixr.tensor.reference;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.Arrays;

/** Reference matmul with numpy semantics: a triple loop per batch element, double sums. */
public final class MatMul {
    private MatMul() {}

    public static Tensor matmul(Tensor a, Tensor b) {
        Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a, b2 = b.dim() == 1 ? b.unsqueeze(1) : b;
        int m = a2.size(-2), k = a2.size(-1), n = b2.size(-1);
        int[] batch = Shape.broadcast("matmul", Arrays.copyOf(a2.shape(), a2.dim() - 2), Arrays.copyOf(b2.shape(), b2.dim() - 2));
        int nb = Nd.numel(batch);
        double[] out = new double[nb * m * n];
        int[] ia = new int[batch.length + 2], ib = new int[batch.length + 2];
        for (int bi = 0; bi < nb; bi++) {
            int[] bidx = Nd.unravel(bi, batch);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        System.arraycopy(bidx, 0, ia, 0, batch.length);
                        ia[batch.length] = i;
                        ia[batch.length + 1] = p;
                        System.arraycopy(bidx, 0, ib, 0, batch.length);
                        ib[batch.length] = p;
                        ib[batch.length + 1] = j;
                        s += Nd.at(a2, ia) * Nd.at(b2, ib);
                    }
                    out[(bi * m + i) * n + j] = s;
                }
            }
        }
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;
        Tensor t = Nd.tensor(out, shape);
        if (a.dim() == 1 && b.dim() == 1) return t.view();
        if (a.dim() == 1) return t.squeeze(-2);
        if (b.dim() == 1) return t.squeeze(-1);
        return t;
    }
}
