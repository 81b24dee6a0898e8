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

/**
 * Softmax, log-softmax, layer norm and RMS norm against their references; the same bits on 1, 2 and 3 threads (a thread's
 * range of rows reads each next row ahead, so the split must not show in the results).
 */
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

    @Test
    void softmaxAndNormsGiveTheSameBitsOnOneTwoAndThreeThreads() {
        Gen g = new Gen(20261203);
        Tensor x = g.values(1f, 37, 1000), h = g.values(1f, 41, 768), gamma = g.values(1f, 768), beta = g.values(1f, 768);
        x.set(Float.NEGATIVE_INFINITY, 5, 7); // a masked cell, and a row of large logits
        for (int k = 0; k < 1000; k++) x.set(x.get(9, k) * 300f, 9, k);
        int before = dev.elixr.tensor.Parallel.threads();
        float[][] first = null;
        try {
            for (int t = 1; t <= 3; t++) {
                dev.elixr.tensor.Parallel.setThreads(t);
                float[][] got = {Softmax.softmax(x, -1).toFloatArray(), Softmax.logSoftmax(x, -1).toFloatArray(),
                        Norm.layerNorm(h, gamma, beta, 1e-5f).toFloatArray(), Norm.rmsNorm(h, gamma, 1e-5f).toFloatArray()};
                if (first == null) first = got;
                else for (int i = 0; i < got.length; i++)
                    for (int k = 0; k < got[i].length; k++)
                        assertEquals(Float.floatToRawIntBits(first[i][k]), Float.floatToRawIntBits(got[i][k]), "result " + i + " at " + k + " on " + t + " threads");
            }
        } finally {
            dev.elixr.tensor.Parallel.setThreads(before);
        }
    }
}
