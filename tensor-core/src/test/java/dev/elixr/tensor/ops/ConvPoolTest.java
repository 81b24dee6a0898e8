package dev.elixr.tensor.ops;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.UnaryOp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.LongStream;
import java.util.stream.Stream;

/** conv2d (groups, depthwise, stride, padding, dilation) and pooling against the references. */
class ConvPoolTest {
    /** The float64 reference elementwise ops (this package has an Elementwise of its own). */
    private static final class Ref {
        static Tensor mul(Tensor a, Tensor b) { return dev.elixr.tensor.reference.Elementwise.mul(a, b); }
        static Tensor add(Tensor a, Tensor b) { return dev.elixr.tensor.reference.Elementwise.add(a, b); }
        static Tensor silu(Tensor a) { return dev.elixr.tensor.reference.Elementwise.silu(a); }
        static Tensor sigmoid(Tensor a) { return dev.elixr.tensor.reference.Elementwise.sigmoid(a); }
        static Tensor relu(Tensor a) { return dev.elixr.tensor.reference.Elementwise.relu(a); }
    }

    static Stream<Long> seeds() { return LongStream.range(0, 40).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds")
    void conv2dMatchesReference(long seed) {
        var c = OpCases.ConvCase.of(seed);
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2d(c.x(), c.w(), c.bias(), c.p()), Conv.conv2d(c.x(), c.w(), c.bias(), c.p()),
                1e-5, 1e-5, c.what());
    }

    /**
     * The fused inference convolution act(conv(x·gate, w)·scale + shift) against the reference convolution of the gated
     * input followed by the reference elementwise ops (what {@code Backend.conv2dFused} composes by default).
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void conv2dFusedMatchesReferenceConvThenEpilogue(long seed) {
        var c = OpCases.ConvCase.of(seed);
        Gen g = new Gen(seed ^ 77);
        int n = c.x().size(0), ch = c.x().size(1), o = c.w().size(0);
        boolean gated = seed % 3 != 0;
        Tensor gate = gated ? g.tensor(n, ch) : null, scale = seed % 4 == 1 ? null : g.tensor(o), shift = g.tensor(o);
        UnaryOp act = new UnaryOp[] {UnaryOp.SILU, UnaryOp.SIGMOID, null, UnaryOp.RELU}[(int) (seed % 4)];
        Tensor x = gated ? Ref.mul(c.x(), gate.reshape(n, ch, 1, 1)) : c.x();
        Tensor want = dev.elixr.tensor.reference.Conv.conv2d(x, c.w(), null, c.p());
        if (scale != null) want = Ref.mul(want, scale.reshape(1, o, 1, 1));
        want = Ref.add(want, shift.reshape(1, o, 1, 1));
        if (act == UnaryOp.SILU) want = Ref.silu(want);
        else if (act == UnaryOp.SIGMOID) want = Ref.sigmoid(want);
        else if (act == UnaryOp.RELU) want = Ref.relu(want);
        Close.assertClose(want, Conv.conv2dFused(c.x(), c.w(), gate, scale, shift, act, c.p()), 1e-5, 1e-5, c.what() + " " + act
                + (gated ? " gated" : ""));
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
