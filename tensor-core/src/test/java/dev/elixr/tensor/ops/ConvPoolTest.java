package dev.elixr.tensor.ops;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.LongStream;
import java.util.stream.Stream;

/** conv2d (groups, depthwise, stride, padding, dilation) and pooling against the references. */
class ConvPoolTest {
    static Stream<Long> seeds() { return LongStream.range(0, 40).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds")
    void conv2dMatchesReference(long seed) {
        var c = OpCases.ConvCase.of(seed);
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2d(c.x(), c.w(), c.bias(), c.p()), Conv.conv2d(c.x(), c.w(), c.bias(), c.p()),
                1e-5, 1e-5, c.what());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void poolingMatchesReference(long seed) {
        Gen g = new Gen(seed);
        int k = 1 + g.rng.nextInt(3), s = 1 + g.rng.nextInt(3), pad = g.rng.nextInt(k / 2 + 1);
        Tensor x = g.tensor(1 + g.rng.nextInt(2), 1 + g.rng.nextInt(3), k + g.rng.nextInt(8), k + g.rng.nextInt(8));
        String what = java.util.Arrays.toString(x.shape()) + " k" + k + " s" + s + " p" + pad;
        Close.assertClose(dev.elixr.tensor.reference.Pool.maxPool2d(x, k, s, pad), Pool.maxPool2d(x, k, s, pad), 0, "maxPool2d " + what);
        Close.assertClose(dev.elixr.tensor.reference.Pool.avgPool2d(x, k, s, pad), Pool.avgPool2d(x, k, s, pad), 1e-6, "avgPool2d " + what);
        int oh = 1 + g.rng.nextInt(x.size(2)), ow = 1 + g.rng.nextInt(x.size(3));
        Close.assertClose(dev.elixr.tensor.reference.Pool.adaptiveAvgPool2d(x, oh, ow), Pool.adaptiveAvgPool2d(x, oh, ow), 1e-6,
                "adaptiveAvgPool2d " + what + " to " + oh + "x" + ow);
    }
}
