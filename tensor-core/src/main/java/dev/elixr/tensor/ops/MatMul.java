package dev.elixr.tensor.ops;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;

import java.util.Arrays;

/** Matrix product with numpy's matmul semantics. */
public final class MatMul {
    private MatMul() {}

    /**
     * a @ b: 1-D operands are promoted (a [K] → [1,K], b [K] → [K,1]) and the added dimension removed
     * from the result; leading (batch) dimensions broadcast. Transposed views go to the kernel as they are.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: " + Outputs.str(a) + " @ " + Outputs.str(b) + ": both operands need at least 1 dimension");
        }
        Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.dim() == 1 ? b.unsqueeze(1) : b;
        int m = a2.size(-2), k = a2.size(-1), kb = b2.size(-2), n = b2.size(-1);
        if (k != kb) {
            throw new IllegalArgumentException("matmul: " + Outputs.str(a) + " @ " + Outputs.str(b) + ": inner dimensions " + k
                    + " and " + kb + " differ");
        }
        int[] ba = Arrays.copyOf(a2.shape(), a2.dim() - 2), bb = Arrays.copyOf(b2.shape(), b2.dim() - 2);
        int[] batch;
        try {
            batch = Shape.broadcast("matmul", ba, bb);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: " + Outputs.str(a) + " @ " + Outputs.str(b) + ": batch dimensions "
                    + Shape.str(ba) + " and " + Shape.str(bb) + " cannot be broadcast");
        }
        int[] outShape = concat(batch, m, n);
        Backend be = Backends.of("matmul", a, b);
        Tensor out = Outputs.allocate(be, outShape);
        be.matmul(a2.expand(concat(batch, m, k)), b2.expand(concat(batch, k, n)), out);
        int[] resultShape = outShape;
        if (a.dim() == 1 && b.dim() == 1) resultShape = new int[0];
        else if (a.dim() == 1) resultShape = drop(outShape, outShape.length - 2);
        else if (b.dim() == 1) resultShape = drop(outShape, outShape.length - 1);
        return resultShape == outShape ? out : out.view(resultShape);
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    private static int[] drop(int[] s, int d) {
        int[] o = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != d) o[j++] = s[i];
        return o;
    }
}
