package dev.elixr.tensor.ops;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reductions, variance, arg-reductions and softmax / norms against their references. */
class ReduceTest {
    static Stream<Long> seeds() { return LongStream.range(0, 40).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds")
    void sumMeanMaxMinOverRandomAxes(long seed) {
        var c = OpCases.ReduceCase.of(seed);
        Tensor x = c.x();
        int[] axes = c.axes();
        boolean keep = c.keep();
        Tensor s = Reduce.sum(x, keep, axes);
        Close.assertClose(dev.elixr.tensor.reference.Reduce.sum(x, keep, axes), s, c.sumTolerance(s), 1e-5, "sum " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Reduce.mean(x, keep, axes), Reduce.mean(x, keep, axes), 1e-5, "mean " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Reduce.max(x, keep, axes), Reduce.max(x, keep, axes), 0, "max " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Reduce.min(x, keep, axes), Reduce.min(x, keep, axes), 0, "min " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Reduce.variance(x, c.correction(), keep, axes), Reduce.variance(x, c.correction(), keep, axes),
                1e-5, "variance " + c.what());
        assertEquals(dev.elixr.tensor.reference.Reduce.sumAll(x), Reduce.sumAll(x), 1e-5 * Math.max(1, Math.sqrt(x.numel())) * 4);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void argmaxArgminAlongEachAxis(long seed) {
        Gen g = new Gen(seed);
        int[] shape = g.shape(1, 4);
        Tensor x = g.layout(roundTo(g.values(2f, shape))); // ties on purpose: the first index wins
        int axis = g.rng.nextInt(shape.length) - (g.rng.nextBoolean() ? shape.length : 0);
        boolean keep = g.rng.nextBoolean();
        Close.assertClose(dev.elixr.tensor.reference.Reduce.argmax(x, axis, keep), Reduce.argmax(x, axis, keep), 0, "argmax");
        Close.assertClose(dev.elixr.tensor.reference.Reduce.argmin(x, axis, keep), Reduce.argmin(x, axis, keep), 0, "argmin");
    }

    private static Tensor roundTo(Tensor t) {
        float[] d = t.toFloatArray();
        for (int i = 0; i < d.length; i++) d[i] = Math.round(d[i]);
        return Tensor.wrap(d, t.shape());
    }

    @Test
    void longContiguousAndLeadingReductions() {
        Gen g = new Gen(99);
        Tensor big = g.values(1f, 70001);
        Close.assertClose(dev.elixr.tensor.reference.Reduce.sum(big, false), Reduce.sum(big, false), 2e-3, 1e-5, "sum of 70001");
        Close.assertClose(dev.elixr.tensor.reference.Reduce.max(big, false), Reduce.max(big, false), 0, "max of 70001");
        Tensor cols = g.values(1f, 300, 37);
        Close.assertClose(dev.elixr.tensor.reference.Reduce.sum(cols, false, 0), Reduce.sum(cols, false, 0), 1e-4, "column sums");
        Close.assertClose(dev.elixr.tensor.reference.Reduce.min(cols, true, 0), Reduce.min(cols, true, 0), 0, "column min");
        Tensor t3 = g.values(1f, 5, 6, 33);
        Close.assertClose(dev.elixr.tensor.reference.Reduce.mean(t3, false, 0, 1), Reduce.mean(t3, false, 0, 1), 1e-5, "leading mean");
    }

    @Test
    void reductionsOverAMiddleBlockOfAxesMatchTheFloat64Reference() {
        // [outer, R, inner] with inner ≥ one vector (and a ragged tail), as the backward of a broadcast in the middle gives
        Tensor a = Tensor.randn(21, 3, 5, 4, 37), gqa = Tensor.randn(22, 2, 2, 2, 7, 32), b = Tensor.randn(23, 2, 3, 64);
        Close.assertClose(dev.elixr.tensor.reference.Reduce.sum(a, false, 1, 2), Reduce.sum(a, false, 1, 2), 1e-4, 1e-5, "sum over axes 1, 2");
        Close.assertClose(dev.elixr.tensor.reference.Reduce.mean(a, true, 1, 2), Reduce.mean(a, true, 1, 2), 1e-5, "mean over axes 1, 2");
        Close.assertClose(dev.elixr.tensor.reference.Reduce.max(a, false, 1, 2), Reduce.max(a, false, 1, 2), 0, "max over axes 1, 2");
        Close.assertClose(dev.elixr.tensor.reference.Reduce.min(b, false, 1), Reduce.min(b, false, 1), 0, "min over axis 1");
        Close.assertClose(dev.elixr.tensor.reference.Reduce.sum(gqa, true, 2), Reduce.sum(gqa, true, 2), 1e-5, 1e-5, "sum over the group axis");
    }

    @Test
    void reducingNothingAndScalars() {
        Tensor s = Tensor.scalar(3f);
        assertEquals(3f, Reduce.sum(s, false).item());
        assertEquals(0, Reduce.sum(s, false).dim());
        assertEquals(0f, Reduce.sum(Tensor.zeros(0, 3), false).item());
        assertEquals(21f, Reduce.sumAll(Tensor.arange(7)));
    }
}
