package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.ops.Attention;
import dev.elixr.tensor.ops.Conv;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.ElementwiseTest;
import dev.elixr.tensor.ops.Index;
import dev.elixr.tensor.ops.MatMul;
import dev.elixr.tensor.ops.OpCases;
import dev.elixr.tensor.ops.Norm;
import dev.elixr.tensor.ops.Pool;
import dev.elixr.tensor.ops.Reduce;
import dev.elixr.tensor.ops.Softmax;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The op front-ends on an OpenCL device against the float64 references, on the same generated cases as the
 * CPU tests in dev.elixr.tensor.ops (same generators, seeds and tolerances). Inputs keep their random layouts
 * on the device (permuted, step-sliced, offset, broadcast views of one device buffer), so the strided kernels
 * are exercised, and every result is checked to live on the device before it is read back.
 * Tolerances are the CPU tests' except where the device sums in another order (float32 tree reductions in
 * work-groups instead of the CPU's sequential/vector order): sums, means and variances allow 4e-6·√n
 * absolute per term count n, as the CPU test does, and nothing else needed widening.
 */
class OpenClOpsTest {
    static Device target;

    @BeforeAll
    static void device() { target = OpenClTestDevice.require(); }

    /** The same view (shape, strides, offset) over a device copy of x's whole storage. */
    static Tensor on(Tensor x) {
        if (x == null) return null;
        int size = (int) x.storage().size();
        Tensor flat = new Tensor(x.storage(), new int[] {size}, new int[] {1}, 0);
        Tensor d = flat.to(target);
        return new Tensor(d.storage(), x.shape(), x.strides(), x.offset());
    }

    static Tensor[] on(Tensor[] xs) { return Arrays.stream(xs).map(OpenClOpsTest::on).toArray(Tensor[]::new); }

    static Tensor stays(Tensor result) {
        assertEquals(target, result.device(), "result should stay on the device");
        return result;
    }

    // ---------------------------------------------------------------- elementwise (ElementwiseTest)

    static Stream<Arguments> unaryCases() {
        return ElementwiseTest.UNARY.keySet().stream().flatMap(n -> LongStream.range(0, 6).mapToObj(s -> Arguments.of(n, s)));
    }

    static Stream<Arguments> binaryCases() {
        return ElementwiseTest.BINARY.keySet().stream().flatMap(n -> LongStream.range(0, 8).mapToObj(s -> Arguments.of(n, s)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("unaryCases")
    void unary(String name, long seed) {
        ElementwiseTest.U u = ElementwiseTest.UNARY.get(name);
        Gen g = new Gen(seed);
        int[] shape = g.shape(0, 4);
        Tensor x = g.layout(g.uniform(u.lo(), u.hi(), shape));
        if (seed % 3 == 2 && shape.length > 0) {
            int[] small = shape.clone();
            small[0] = 1;
            x = g.layout(g.uniform(u.lo(), u.hi(), small)).expand(shape);
        }
        Close.assertClose(u.ref().apply(x), stays(u.op().apply(on(x))), 1e-6, 2e-6, name + " on " + Shape.str(shape));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("binaryCases")
    void binary(String name, long seed) {
        ElementwiseTest.B b = ElementwiseTest.BINARY.get(name);
        Gen g = new Gen(seed);
        int[] shape = g.shape(0, 4);
        int[] sa = seed % 4 == 0 ? shape : g.broadcastable(shape), sb = seed % 4 == 1 ? shape : g.broadcastable(shape);
        Tensor x = g.layout(ElementwiseTest.operand(g, b.integers(), b.positiveA(), sa)),
                y = g.layout(ElementwiseTest.operand(g, b.integers(), b.positiveB(), sb));
        if (seed % 4 == 3) y = y.expand(Shape.broadcast("test", sa, sb));
        Close.assertClose(b.ref().apply(x, y), stays(b.op().apply(on(x), on(y))), 1e-6, 4e-6,
                name + " " + Shape.str(x.shape()) + " with " + Shape.str(y.shape()));
    }

    /**
     * The in-place ops of a caller-owned result on the device, where the kernel's output buffer is also its input:
     * x += bias against the float64 sums, max(x, 0) against the float64 ReLU, and batch norm's backward written over
     * its gradient against the host's out-of-place backward (itself held to the float64 reference in BackwardChecks).
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds10")
    void inPlaceOpsWriteOverTheirInputOnTheDevice(long seed) {
        Gen g = new Gen(seed);
        int rows = 1 + (int) (seed * 7 % 40), cols = 1 + (int) (seed * 13 % 70);
        Tensor x = g.uniform(-2, 2, rows, cols), bias = g.uniform(-2, 2, cols);
        float[] xs = x.toFloatArray(), bs = bias.toFloatArray(), sum = new float[xs.length], relu = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            sum[i] = (float) ((double) xs[i] + bs[i % cols]);
            relu[i] = (float) Math.max(0.0, xs[i]);
        }
        Tensor dx = on(x);
        assertEquals(dx, stays(Elementwise.addInPlace(dx, on(bias))));
        Close.assertClose(Tensor.of(sum, rows, cols), dx, 1e-6, 2e-6, "x += bias in place, " + rows + "x" + cols);
        Tensor dr = on(x);
        assertEquals(dr, stays(Elementwise.reluInPlace(dr)));
        Close.assertClose(Tensor.of(relu, rows, cols), dr, 1e-6, 2e-6, "relu in place, " + rows + "x" + cols);

        Tensor bx = g.uniform(-2, 2, 2 + (int) (seed % 3), 3, 5, 4), gamma = g.uniform(0.5f, 1.5f, 3), beta = g.uniform(-1, 1, 3);
        Tensor grad = g.uniform(-1, 1, bx.shape());
        Norm.BatchNorm host = Norm.batchNorm2d(bx, gamma, beta, 1e-5f);
        Tensor[] want = Norm.batchNorm2dBackward(bx, gamma, host, 1e-5f, grad, true, true, true);
        Norm.BatchNorm dev = Norm.batchNorm2d(on(bx), on(gamma), on(beta), 1e-5f);
        Tensor over = on(grad);
        Tensor[] got = Norm.batchNorm2dBackwardInPlace(on(bx), on(gamma), dev, 1e-5f, over, true, true);
        assertEquals(over, stays(got[0]));
        for (int i = 0; i < 3; i++) Close.assertClose(want[i], got[i], 1e-5, 1e-4, "batch norm backward over g, gradient " + i);
    }

    static Stream<Long> seeds10() { return LongStream.range(0, 10).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds10")
    void whereAndMaskedFill(long seed) {
        Gen g = new Gen(seed);
        int[] shape = g.shape(1, 4);
        Tensor cond = g.layout(Elementwise.gt(g.values(1f, g.broadcastable(shape)), 0f));
        Tensor a = g.tensor(g.broadcastable(shape)), b = g.tensor(shape);
        Close.assertClose(dev.elixr.tensor.reference.Elementwise.where(cond, a, b), stays(Elementwise.where(on(cond), on(a), on(b))), 0, "where");
        Close.assertClose(dev.elixr.tensor.reference.Elementwise.maskedFill(b, cond, -1e9f), stays(Elementwise.maskedFill(on(b), on(cond), -1e9f)),
                0, "maskedFill");
    }

    // ---------------------------------------------------------------- reductions (ReduceTest)

    static Stream<Long> seeds40() { return LongStream.range(0, 40).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds40")
    void sumMeanMaxMinVariance(long seed) {
        var c = OpCases.ReduceCase.of(seed);
        Tensor x = c.x(), dx = on(x);
        int[] axes = c.axes();
        boolean keep = c.keep();
        Tensor s = stays(Reduce.sum(dx, keep, axes));
        Close.assertClose(dev.elixr.tensor.reference.Reduce.sum(x, keep, axes), s, c.sumTolerance(s), 1e-5, "sum " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Reduce.mean(x, keep, axes), stays(Reduce.mean(dx, keep, axes)), 1e-5, "mean " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Reduce.max(x, keep, axes), stays(Reduce.max(dx, keep, axes)), 0, "max " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Reduce.min(x, keep, axes), stays(Reduce.min(dx, keep, axes)), 0, "min " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Reduce.variance(x, c.correction(), keep, axes), stays(Reduce.variance(dx, c.correction(), keep, axes)),
                1e-5, "variance " + c.what());
        assertEquals(dev.elixr.tensor.reference.Reduce.sumAll(x), Reduce.sumAll(dx), 1e-5 * Math.max(1, Math.sqrt(x.numel())) * 4);
    }

    @ParameterizedTest
    @MethodSource("seeds40")
    void argmaxArgmin(long seed) {
        Gen g = new Gen(seed);
        int[] shape = g.shape(1, 4);
        Tensor x = g.layout(roundTo(g.values(2f, shape)));
        int axis = g.rng.nextInt(shape.length) - (g.rng.nextBoolean() ? shape.length : 0);
        boolean keep = g.rng.nextBoolean();
        Close.assertClose(dev.elixr.tensor.reference.Reduce.argmax(x, axis, keep), stays(Reduce.argmax(on(x), axis, keep)), 0, "argmax");
        Close.assertClose(dev.elixr.tensor.reference.Reduce.argmin(x, axis, keep), stays(Reduce.argmin(on(x), axis, keep)), 0, "argmin");
    }

    private static Tensor roundTo(Tensor t) {
        float[] d = t.toFloatArray();
        for (int i = 0; i < d.length; i++) d[i] = Math.round(d[i]);
        return Tensor.wrap(d, t.shape());
    }

    @Test
    void longReductions() {
        Gen g = new Gen(99);
        Tensor big = g.values(1f, 70001);
        Close.assertClose(dev.elixr.tensor.reference.Reduce.sum(big, false), Reduce.sum(on(big), false), 2e-3, 1e-5, "sum of 70001");
        Close.assertClose(dev.elixr.tensor.reference.Reduce.max(big, false), Reduce.max(on(big), false), 0, "max of 70001");
        Tensor cols = g.values(1f, 300, 37);
        Close.assertClose(dev.elixr.tensor.reference.Reduce.sum(cols, false, 0), Reduce.sum(on(cols), false, 0), 1e-4, "column sums");
        Close.assertClose(dev.elixr.tensor.reference.Reduce.min(cols, true, 0), Reduce.min(on(cols), true, 0), 0, "column min");
        Tensor t3 = g.values(1f, 5, 6, 33);
        Close.assertClose(dev.elixr.tensor.reference.Reduce.mean(t3, false, 0, 1), Reduce.mean(on(t3), false, 0, 1), 1e-5, "leading mean");
        assertEquals(0f, Reduce.sum(Tensor.zeros(0, 3).to(target), false).toCpu().item());
    }

    // ---------------------------------------------------------------- softmax and norms (SoftmaxNormTest)

    static Stream<Long> seeds30() { return LongStream.range(0, 30).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds30")
    void softmaxAndLogSoftmax(long seed) {
        var c = OpCases.SoftmaxCase.of(seed);
        Close.assertClose(dev.elixr.tensor.reference.Softmax.softmax(c.x(), c.axis()), stays(Softmax.softmax(on(c.x()), c.axis())), 1e-6, 1e-5,
                "softmax " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Softmax.logSoftmax(c.x(), c.axis()), stays(Softmax.logSoftmax(on(c.x()), c.axis())), 1e-5, 1e-5,
                "logSoftmax " + c.what());
    }

    @Test
    void softmaxOfHugeLogitsAndMaskedRows() {
        Tensor x = Tensor.of(new float[] {1000f, 1001f, 999f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f}, 2, 3);
        Tensor s = Softmax.softmax(on(x), -1);
        Close.assertClose(dev.elixr.tensor.reference.Softmax.softmax(x, -1), s, 1e-6, "softmax");
        assertEquals(1f, s.toCpu().get(1, 2));
    }

    @ParameterizedTest
    @MethodSource("seeds30")
    void layerNormAndRmsNorm(long seed) {
        var c = OpCases.NormCase.of(seed);
        Close.assertClose(dev.elixr.tensor.reference.Norm.layerNorm(c.x(), c.gamma(), c.beta(), c.eps()),
                stays(Norm.layerNorm(on(c.x()), on(c.gamma()), on(c.beta()), c.eps())), 2e-5, 1e-4, "layerNorm " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Norm.rmsNorm(c.x(), c.gamma(), c.eps()), stays(Norm.rmsNorm(on(c.x()), on(c.gamma()), c.eps())),
                2e-5, 1e-4, "rmsNorm " + c.what());
    }

    // ---------------------------------------------------------------- matmul (MatMulTest)

    static Stream<Long> seeds60() { return LongStream.range(0, 60).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds60")
    void matmul(long seed) {
        var c = OpCases.MatMulCase.of(seed);
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(c.a(), c.b()), stays(MatMul.matmul(on(c.a()), on(c.b()))), 1e-5, 1e-5, c.what());
    }

    @Test
    void largerProducts() {
        Gen g = new Gen(7);
        Tensor a = g.values(1f, 67, 129), b = g.values(1f, 129, 45);
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(a, b), MatMul.matmul(on(a), on(b)), 1e-4, 1e-5, "67x129x45");
        Tensor w = g.values(1f, 45, 129);
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(a, w.t()), MatMul.matmul(on(a), on(w).t()), 1e-4, 1e-5, "a @ w.t()");
        Tensor at = g.values(1f, 129, 67);
        Close.assertClose(dev.elixr.tensor.reference.MatMul.matmul(at.t(), b), MatMul.matmul(on(at).t(), on(b)), 1e-4, 1e-5, "a.t() @ b");
        Close.assertClose(Tensor.zeros(2, 2), MatMul.matmul(Tensor.ones(2, 0).to(target), Tensor.ones(0, 2).to(target)), 0, "empty inner dimension");
    }

    // ---------------------------------------------------------------- conv and pooling (ConvPoolTest)

    @ParameterizedTest
    @MethodSource("seeds40")
    void conv2d(long seed) {
        var c = OpCases.ConvCase.of(seed);
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2d(c.x(), c.w(), c.bias(), c.p()),
                stays(Conv.conv2d(on(c.x()), on(c.w()), on(c.bias()), c.p())), 1e-5, 1e-5, c.what());
    }

    @ParameterizedTest
    @MethodSource("seeds40")
    void pooling(long seed) {
        Gen g = new Gen(seed);
        int k = 1 + g.rng.nextInt(3), s = 1 + g.rng.nextInt(3), pad = g.rng.nextInt(k / 2 + 1);
        Tensor x = g.tensor(1 + g.rng.nextInt(2), 1 + g.rng.nextInt(3), k + g.rng.nextInt(8), k + g.rng.nextInt(8));
        String what = Arrays.toString(x.shape()) + " k" + k + " s" + s + " p" + pad;
        Tensor dx = on(x);
        Close.assertClose(dev.elixr.tensor.reference.Pool.maxPool2d(x, k, s, pad), stays(Pool.maxPool2d(dx, k, s, pad)), 0, "maxPool2d " + what);
        Close.assertClose(dev.elixr.tensor.reference.Pool.avgPool2d(x, k, s, pad), stays(Pool.avgPool2d(dx, k, s, pad)), 1e-6, "avgPool2d " + what);
        int oh = 1 + g.rng.nextInt(x.size(2)), ow = 1 + g.rng.nextInt(x.size(3));
        Close.assertClose(dev.elixr.tensor.reference.Pool.adaptiveAvgPool2d(x, oh, ow), stays(Pool.adaptiveAvgPool2d(dx, oh, ow)), 1e-6,
                "adaptiveAvgPool2d " + what + " to " + oh + "x" + ow);
    }

    // ---------------------------------------------------------------- attention (AttentionTest)

    @ParameterizedTest
    @MethodSource("seeds40")
    void attention(long seed) {
        var c = OpCases.AttentionCase.of(seed);
        Close.assertClose(dev.elixr.tensor.reference.Attention.scaledDotProduct(c.q(), c.k(), c.v(), c.mask(), c.causal()),
                stays(Attention.scaledDotProduct(on(c.q()), on(c.k()), on(c.v()), on(c.mask()), c.causal())), 1e-5, 1e-4, c.what());
    }

    @Test
    void fullyMaskedRowGivesZeros() {
        Gen g = new Gen(3);
        Tensor q = g.values(1f, 1, 1, 2, 4), k = g.values(1f, 1, 1, 3, 4), v = g.values(1f, 1, 1, 3, 4);
        Tensor mask = Tensor.of(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0, 0, 0}, 2, 3);
        Tensor out = Attention.scaledDotProduct(on(q), on(k), on(v), on(mask), false, 0.3f);
        Close.assertClose(dev.elixr.tensor.reference.Attention.scaledDotProduct(q, k, v, mask, false, 0.3f), out, 1e-6, "attention");
        Close.assertClose(Tensor.zeros(4), out.toCpu().select(2, 0).flatten(), 0, "masked row");
    }

    // ---------------------------------------------------------------- indexing (IndexTest)

    @ParameterizedTest
    @MethodSource("seeds30")
    void gathers(long seed) {
        Gen g = new Gen(seed);
        Tensor table = g.tensor(1 + g.rng.nextInt(9), g.dim());
        int[] ids = g.rng.ints(6, 0, table.size(0)).toArray();
        int[] idShape = seed % 2 == 0 ? new int[] {2, 3} : new int[0];
        Close.assertClose(dev.elixr.tensor.reference.Index.embedding(table, ids, idShape), stays(Index.embedding(on(table), ids, idShape)), 0,
                "embedding");
        int[] shape = g.shape(1, 4);
        Tensor x = g.tensor(shape);
        int axis = g.rng.nextInt(shape.length);
        int[] idx = g.rng.ints(1 + g.rng.nextInt(5), 0, shape[axis]).toArray();
        Close.assertClose(dev.elixr.tensor.reference.Index.indexSelect(x, axis, idx), stays(Index.indexSelect(on(x), axis, idx)), 0, "indexSelect");
    }

    @ParameterizedTest
    @MethodSource("seeds30")
    void joinsAndPads(long seed) {
        Gen g = new Gen(seed);
        int[] shape = g.shape(1, 4);
        int axis = g.rng.nextInt(shape.length);
        Tensor[] parts = new Tensor[1 + g.rng.nextInt(3)];
        for (int i = 0; i < parts.length; i++) {
            int[] s = shape.clone();
            s[axis] = g.rng.nextInt(4);
            parts[i] = g.tensor(s);
        }
        Close.assertClose(dev.elixr.tensor.reference.Index.concat(axis, parts), stays(Index.concat(axis, on(parts))), 0, "concat");
        Tensor[] same = new Tensor[parts.length];
        for (int i = 0; i < same.length; i++) same[i] = g.tensor(shape);
        int sAxis = g.rng.nextInt(shape.length + 1);
        Close.assertClose(dev.elixr.tensor.reference.Index.stack(sAxis, same), stays(Index.stack(sAxis, on(same))), 0, "stack");
        int[] ps = shape.clone();
        for (int i = 0; i < ps.length; i++) ps[i] = Math.max(ps[i], 2);
        Tensor x = g.tensor(ps);
        int[] pads = new int[2 * (1 + g.rng.nextInt(ps.length))];
        for (int i = 0; i < pads.length; i++) pads[i] = g.rng.nextInt(4) - (seed % 3 == 0 ? 1 : 0);
        float value = seed % 2 == 0 ? 0f : -2.5f;
        Close.assertClose(dev.elixr.tensor.reference.Index.pad(x, pads, value), stays(Index.pad(on(x), pads, value)), 0,
                "pad " + Arrays.toString(ps) + " by " + Arrays.toString(pads));
    }

    // ---------------------------------------------------------------- a chain stays on the device

    @Test
    void transformerBlockChainRunsOnDevice() {
        Gen g = new Gen(11);
        int t = 9, dm = 16, heads = 2;
        Tensor x = g.values(1f, 1, t, dm), wq = g.values(0.3f, dm, dm), w1 = g.values(0.3f, dm, 4 * dm), w2 = g.values(0.3f, 4 * dm, dm);
        Tensor gam = g.values(1f, dm), bet = g.values(1f, dm);
        java.util.function.Function<Tensor[], Tensor> block = in -> {
            Tensor h = Norm.layerNorm(in[0], in[4], in[5], 1e-5f);
            Tensor q = MatMul.matmul(h, in[1]).view(1, t, heads, dm / heads).permute(0, 2, 1, 3);
            Tensor a = Attention.scaledDotProduct(q, q, q, null, true).permute(0, 2, 1, 3).reshape(1, t, dm);
            Tensor r = Elementwise.add(in[0], a);
            Tensor f = MatMul.matmul(Elementwise.gelu(MatMul.matmul(Norm.rmsNorm(r, null, 1e-6f), in[2])), in[3]);
            return Softmax.softmax(Elementwise.add(r, f), -1);
        };
        Tensor want = block.apply(new Tensor[] {x, wq, w1, w2, gam, bet});
        Tensor got = block.apply(new Tensor[] {on(x), on(wq), on(w1), on(w2), on(gam), on(bet)});
        assertEquals(target, got.device());
        Close.assertClose(want, got, 1e-5, 1e-4, "block on device vs CPU");
    }
}
