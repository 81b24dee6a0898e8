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
        var c = OpCases.MatMulCase.of(seed);
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(c.a(), c.b()), MatMul.matmul(c.a(), c.b()), 1e-5, 1e-5, c.what());
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
