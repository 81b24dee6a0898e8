package dev.elixr.tensor.ops;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** matmul against the reference: 1-D operands, batch broadcasting, transposed and strided operands. */
class MatMulTest {
    static Stream<Long> seeds() { return LongStream.range(0, 60).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds")
    void matchesReference(long seed) {
        Gen g = new Gen(seed);
        int m = g.dim(), k = g.dim(), n = g.dim();
        int[] batch = g.shape(0, 2);
        int[] sa, sb;
        switch ((int) (seed % 5)) {
            case 0 -> { sa = new int[] {k}; sb = cat(g.broadcastable(batch), k, n); }
            case 1 -> { sa = cat(batch, m, k); sb = new int[] {k}; }
            case 2 -> { sa = new int[] {k}; sb = new int[] {k}; }
            default -> { sa = cat(g.broadcastable(batch), m, k); sb = cat(g.broadcastable(batch), k, n); }
        }
        Tensor a = g.tensor(sa);
        Tensor b = seed % 3 == 0 && sb.length >= 2 ? transposedView(g, sb) : g.tensor(sb);
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(a, b), MatMul.matmul(a, b), 1e-5, 1e-5,
                "matmul " + Shape.str(sa) + " @ " + Shape.str(sb));
    }

    /** A tensor of shape s that is the transpose view of a contiguous [.., n, k] tensor (the weight layout of Linear). */
    private static Tensor transposedView(Gen g, int[] s) {
        int r = s.length;
        int[] t = s.clone();
        t[r - 2] = s[r - 1];
        t[r - 1] = s[r - 2];
        return g.values(1f, t).transpose(-2, -1);
    }

    static int[] cat(int[] batch, int... tail) {
        int[] s = java.util.Arrays.copyOf(batch, batch.length + tail.length);
        System.arraycopy(tail, 0, s, batch.length, tail.length);
        return s;
    }

    @Test
    void largerProductsUseEveryRowAndColumn() {
        Gen g = new Gen(7);
        Tensor a = g.values(1f, 67, 129), b = g.values(1f, 129, 45);
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(a, b), MatMul.matmul(a, b), 1e-4, 1e-5, "67x129x45");
        Tensor w = g.values(1f, 45, 129);
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(a, w.t()), MatMul.matmul(a, w.t()), 1e-4, 1e-5, "a @ w.t()");
        Tensor at = g.values(1f, 129, 67);
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(at.t(), b), MatMul.matmul(at.t(), b), 1e-4, 1e-5, "a.t() @ b");
    }

    @Test
    void shapesFollowNumpy() {
        assertArrayEquals(new int[] {}, MatMul.matmul(Tensor.ones(3), Tensor.ones(3)).shape());
        assertArrayEquals(new int[] {4}, MatMul.matmul(Tensor.ones(3), Tensor.ones(3, 4)).shape());
        assertArrayEquals(new int[] {2, 5}, MatMul.matmul(Tensor.ones(2, 5, 3), Tensor.ones(3)).shape());
        assertArrayEquals(new int[] {7, 2, 5, 4}, MatMul.matmul(Tensor.ones(7, 1, 5, 3), Tensor.ones(2, 3, 4)).shape());
        assertArrayEquals(new int[] {2, 0}, MatMul.matmul(Tensor.ones(2, 3), Tensor.ones(3, 0)).shape());
        Close.assertClose(Tensor.zeros(2, 2), MatMul.matmul(Tensor.ones(2, 0), Tensor.ones(0, 2)), 0, "empty inner dimension");
    }
}
