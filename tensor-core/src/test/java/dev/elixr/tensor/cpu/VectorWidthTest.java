package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Attention;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.ElementwiseTest;
import dev.elixr.tensor.ops.MatMul;
import dev.elixr.tensor.ops.Norm;
import dev.elixr.tensor.ops.Reduce;
import dev.elixr.tensor.ops.Softmax;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The vectorized fast paths on contiguous rows whose lengths sit around multiples of every lane count
 * (full vectors plus 0..L-1 tail elements). The build runs this class once per width: in the default
 * JVM (the preferred species) and in JVMs started with -Delixr.vector.bits=128, 256 and 512.
 */
class VectorWidthTest {
    @Test
    void speciesFollowsTheProperty() {
        String bits = System.getProperty("elixr.vector.bits");
        int expected = bits == null ? FloatVector.SPECIES_PREFERRED.vectorBitSize() : Integer.parseInt(bits);
        assertEquals(expected, Simd.species().vectorBitSize());
        assertThrows(IllegalArgumentException.class, () -> Simd.pick("100"));
    }

    /** Every unary and binary op (each has its own vector loop) on rows of 3·L − 1 and 2·L + 1 elements. */
    @Test
    void everyElementwiseOpAtThisWidth() {
        int lanes = Simd.species().length();
        for (int n : new int[] {3 * lanes - 1, 2 * lanes + 1}) {
            Gen g = new Gen(n);
            ElementwiseTest.UNARY.forEach((name, u) -> {
                Tensor x = g.uniform(u.lo(), u.hi(), 2, n);
                Close.assertClose(u.ref().apply(x), u.op().apply(x), 1e-6, 2e-6, name + " at " + Simd.species());
            });
            ElementwiseTest.BINARY.forEach((name, b) -> {
                Tensor x = ElementwiseTest.operand(g, b.integers(), b.positiveA(), new int[] {2, n});
                Tensor y = ElementwiseTest.operand(g, b.integers(), b.positiveB(), new int[] {2, n});
                Tensor s = ElementwiseTest.operand(g, b.integers(), b.positiveB(), new int[] {2, 1});
                Close.assertClose(b.ref().apply(x, y), b.op().apply(x, y), 1e-6, 4e-6, name + " at " + Simd.species());
                Close.assertClose(b.ref().apply(x, s), b.op().apply(x, s), 1e-6, 4e-6, name + " with a broadcast scalar at " + Simd.species());
                Close.assertClose(b.ref().apply(s, y), b.op().apply(s, y), 1e-6, 4e-6, name + " of a broadcast scalar at " + Simd.species());
            });
        }
    }

    static Stream<Integer> lengths() { return IntStream.of(1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 64, 65, 100).boxed(); }

    @ParameterizedTest
    @MethodSource("lengths")
    void fastPathsMatchReferences(int n) {
        Gen g = new Gen(n);
        Tensor x = g.values(2f, 3, n), y = g.values(2f, 3, n), row = g.values(1f, n), pos = g.uniform(0.1f, 4f, 3, n);
        String at = " at row length " + n + " with " + Simd.species();
        Close.assertClose(dev.elixr.tensor.reference.Elementwise.geluErf(x), Elementwise.geluErf(x), 1e-6, 2e-6, "geluErf" + at);
        Close.assertClose(dev.elixr.tensor.reference.Elementwise.gelu(x), Elementwise.gelu(x), 1e-6, 2e-6, "gelu" + at);
        Close.assertClose(dev.elixr.tensor.reference.Elementwise.silu(x), Elementwise.silu(x), 1e-6, 2e-6, "silu" + at);
        Close.assertClose(dev.elixr.tensor.reference.Elementwise.rsqrt(pos), Elementwise.rsqrt(pos), 1e-6, 2e-6, "rsqrt" + at);
        Close.assertClose(dev.elixr.tensor.reference.Elementwise.log(pos), Elementwise.log(pos), 1e-6, 2e-6, "log" + at);
        Close.assertClose(dev.elixr.tensor.reference.Elementwise.pow(pos, x), Elementwise.pow(pos, x), 1e-6, 4e-6, "pow" + at);
        Close.assertClose(dev.elixr.tensor.reference.Elementwise.add(x, row), Elementwise.add(x, row), 1e-6, "add row" + at);
        Close.assertClose(dev.elixr.tensor.reference.Elementwise.le(x, y), Elementwise.le(x, y), 0, "le" + at);
        Close.assertClose(dev.elixr.tensor.reference.Elementwise.div(x, 3f), Elementwise.div(x, 3f), 1e-6, "div scalar" + at);
        Close.assertClose(dev.elixr.tensor.reference.Reduce.sum(x, false, 1), Reduce.sum(x, false, 1), 1e-5, "sum" + at);
        Close.assertClose(dev.elixr.tensor.reference.Reduce.max(x, true, 1), Reduce.max(x, true, 1), 0, "max" + at);
        Close.assertClose(dev.elixr.tensor.reference.Reduce.min(x, true, 0), Reduce.min(x, true, 0), 0, "column min" + at);
        Close.assertClose(dev.elixr.tensor.reference.Reduce.mean(x, false, 0), Reduce.mean(x, false, 0), 1e-6, "column mean" + at);
        Close.assertClose(dev.elixr.tensor.reference.Softmax.softmax(x, 1), Softmax.softmax(x, 1), 1e-6, 1e-5, "softmax" + at);
        Close.assertClose(dev.elixr.tensor.reference.Softmax.logSoftmax(x, 1), Softmax.logSoftmax(x, 1), 1e-5, "logSoftmax" + at);
        Close.assertClose(dev.elixr.tensor.reference.Norm.layerNorm(x, row, row, 1e-5f), Norm.layerNorm(x, row, row, 1e-5f), 2e-5, 1e-4, "layerNorm" + at);
        Close.assertClose(dev.elixr.tensor.reference.Norm.rmsNorm(x, row, 1e-6f), Norm.rmsNorm(x, row, 1e-6f), 2e-5, 1e-4, "rmsNorm" + at);
        Tensor w = g.values(1f, n, 5);
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(x, w), MatMul.matmul(x, w), 1e-5, 1e-5, "matmul" + at);
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(x, x.t()), MatMul.matmul(x, x.t()), 1e-4, 1e-5, "matmul by transpose" + at);
        Tensor q = g.values(1f, 1, 2, 3, n), k = g.values(1f, 1, 2, 4, n), v = g.values(1f, 1, 2, 4, n);
        Close.assertClose(dev.elixr.tensor.reference.Attention.scaledDotProduct(q, k, v, null, true), Attention.scaledDotProduct(q, k, v, null, true),
                1e-5, 1e-4, "attention" + at);
    }
}
