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

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Softmax, log-softmax, layer norm and RMS norm against their references. */
class SoftmaxNormTest {
    static Stream<Long> seeds() { return LongStream.range(0, 30).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds")
    void softmaxAndLogSoftmaxAlongAnyAxis(long seed) {
        var c = OpCases.SoftmaxCase.of(seed);
        Close.assertClose(dev.elixr.tensor.reference.Softmax.softmax(c.x(), c.axis()), Softmax.softmax(c.x(), c.axis()), 1e-6, 1e-5,
                "softmax " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Softmax.logSoftmax(c.x(), c.axis()), Softmax.logSoftmax(c.x(), c.axis()), 1e-5, 1e-5,
                "logSoftmax " + c.what());
    }

    @Test
    void softmaxOfHugeLogitsAndMaskedRows() {
        Tensor x = Tensor.of(new float[] {1000f, 1001f, 999f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f}, 2, 3);
        Tensor s = Softmax.softmax(x, -1);
        Close.assertClose(dev.elixr.tensor.reference.Softmax.softmax(x, -1), s, 1e-6, "softmax");
        assertEquals(1f, s.get(1, 2));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void layerNormAndRmsNorm(long seed) {
        var c = OpCases.NormCase.of(seed);
        Close.assertClose(dev.elixr.tensor.reference.Norm.layerNorm(c.x(), c.gamma(), c.beta(), c.eps()),
                Norm.layerNorm(c.x(), c.gamma(), c.beta(), c.eps()), 2e-5, 1e-4, "layerNorm " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Norm.rmsNorm(c.x(), c.gamma(), c.eps()), Norm.rmsNorm(c.x(), c.gamma(), c.eps()),
                2e-5, 1e-4, "rmsNorm " + c.what());
    }
}
