package dev.elixr.tensor.ops;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.AdamWStep;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.SgdStep;

import java.util.Arrays;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The backward and training kernels of every backend against the float64 references, on seeded random cases: odd
 * and size-1 shapes, inputs in random layouts (permuted, step-sliced, offset views). {@code on} moves a host tensor
 * to the backend under test keeping its layout (identity for the CPU); results are read back with toCpu.
 */
public final class BackwardChecks {
    private BackwardChecks() {}

    public static void convBackward(long seed, UnaryOperator<Tensor> on) {
        var c = OpCases.ConvCase.of(seed);
        Gen g = new Gen(seed + 1000);
        int[] out = Conv.conv2d(c.x(), c.w(), c.bias(), c.p()).shape();
        Tensor gy = g.tensor(out);
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2dBackwardInput(gy, c.w(), c.x().shape(), c.p()),
                Conv.conv2dBackwardInput(on.apply(gy), on.apply(c.w()), c.x().shape(), c.p()).toCpu(), 1e-5, 1e-4, "dx " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2dBackwardWeight(c.x(), gy, c.w().shape(), c.p()),
                Conv.conv2dBackwardWeight(on.apply(c.x()), on.apply(gy), c.w().shape(), c.p()).toCpu(), 2e-5, 1e-4, "dw " + c.what());
        Tensor[] both = Conv.conv2dBackward(on.apply(c.x()), on.apply(c.w()), on.apply(gy), c.p(), true, true);
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2dBackwardInput(gy, c.w(), c.x().shape(), c.p()), both[0].toCpu(), 1e-5, 1e-4,
                "conv2dBackward dx " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2dBackwardWeight(c.x(), gy, c.w().shape(), c.p()), both[1].toCpu(), 2e-5, 1e-4,
                "conv2dBackward dw " + c.what());
        int kh = c.w().size(2), kw = c.w().size(3);
        Close.assertClose(dev.elixr.tensor.reference.Conv.im2col(c.x(), kh, kw, c.p()), Conv.im2col(on.apply(c.x()), kh, kw, c.p()).toCpu(),
                0, "im2col " + c.what());
    }

    /**
     * A strided convolution with rows wide enough for the vector paths of every width (stride 2: {@code StrideTwo}):
     * im2col exactly, dx (col2im) and dw against the references, on a strided layout of x when the seed says so.
     */
    public static void wideStridedConvBackward(long seed, UnaryOperator<Tensor> on) {
        Gen g = new Gen(seed);
        int stride = 2 + (int) (seed % 3 == 2 ? 1 : 0), k = seed % 2 == 0 ? 3 : 5, pad = g.rng.nextInt(k / 2 + 1);
        Tensor x = g.tensor(1 + g.rng.nextInt(2), 1 + g.rng.nextInt(4), k + g.rng.nextInt(9), 60 + g.rng.nextInt(50));
        Tensor w = g.tensor(1 + g.rng.nextInt(5), x.size(1), k, k);
        Conv2dParams p = new Conv2dParams(stride, stride, pad, pad, 1, 1, 1);
        Tensor gy = g.tensor(Conv.conv2d(x, w, null, p).shape());
        String what = "x " + Arrays.toString(x.shape()) + " w " + Arrays.toString(w.shape()) + " " + p;
        Close.assertClose(dev.elixr.tensor.reference.Conv.im2col(x, k, k, p), Conv.im2col(on.apply(x), k, k, p).toCpu(), 0, "im2col " + what);
        Tensor[] both = Conv.conv2dBackward(on.apply(x), on.apply(w), on.apply(gy), p, true, true);
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2dBackwardInput(gy, w, x.shape(), p), both[0].toCpu(), 1e-5, 1e-4, "dx " + what);
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2dBackwardWeight(x, gy, w.shape(), p), both[1].toCpu(), 2e-5, 1e-4, "dw " + what);
    }

    /**
     * A batch whose columns exceed one band of the CPU's fused backward (2 or 3 chunks of images, dW accumulated over
     * them): dx and dw against the references.
     */
    public static void chunkedConvBackward(long seed, UnaryOperator<Tensor> on) {
        Gen g = new Gen(seed);
        int stride = 1 + g.rng.nextInt(2);
        Tensor x = g.tensor(3 + g.rng.nextInt(3), 8, 40 * stride + g.rng.nextInt(5), 64 * stride + g.rng.nextInt(9));
        Tensor w = g.tensor(2 + g.rng.nextInt(6), 8, 3, 3);
        Conv2dParams p = new Conv2dParams(stride, stride, 1, 1, 1, 1, 1);
        assertBackwardMatchesReference(g, x, w, p, on);
    }

    /**
     * dx and dw of conv2d(x, w) for a random output gradient against the float64 reference, and dw computed alone equal
     * to dw computed beside dx. dw sums K = N·OH·OW ≈ 10⁴ products of unit-variance values, sums of scale √K ≈ 100: float
     * accumulation errs by ≈ 1e-5 of such sums, hence its absolute tolerance of 1e-5·√K (2e-4 before issue 17's 5×2 AVX2
     * tile: an element that falls in a whole tile is one FMA chain over all of K, and one such erred by 3.0e-4 at
     * K = 11,524, 0.3e-5 of √K; elements in edge tiles, summed a K block at a time, err less).
     */
    private static void assertBackwardMatchesReference(Gen g, Tensor x, Tensor w, Conv2dParams p, UnaryOperator<Tensor> on) {
        Tensor gy = g.tensor(Conv.conv2d(x, w, null, p).shape());
        String what = "x " + Arrays.toString(x.shape()) + " w " + Arrays.toString(w.shape()) + " " + p;
        Tensor[] both = Conv.conv2dBackward(on.apply(x), on.apply(w), on.apply(gy), p, true, true);
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2dBackwardInput(gy, w, x.shape(), p), both[0].toCpu(), 1e-5, 1e-4, "dx " + what);
        double k = (double) gy.size(0) * gy.size(2) * gy.size(3);
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2dBackwardWeight(x, gy, w.shape(), p), both[1].toCpu(),
                Math.max(2e-4, 1e-5 * Math.sqrt(k)), 1e-4, "dw " + what);
        Tensor[] onlyW = Conv.conv2dBackward(on.apply(x), on.apply(w), on.apply(gy), p, false, true);
        Close.assertClose(both[1].toCpu(), onlyW[1].toCpu(), 0, "dw alone " + what);
    }

    /**
     * A grouped convolution (two channels a group, so no backend's direct depthwise kernel takes it) whose columns
     * exceed a band of 2^24 floats an image (the unfused backward goes image by image, dW summed over the chunks; a
     * smaller band than {@link Conv#BACKWARD_COLUMN_FLOATS}, so the case stays small): dx, dw and dw alone against the
     * references, and bit for bit against each image's own backward.
     */
    public static void chunkedGroupedConvBackward(long seed, UnaryOperator<Tensor> on) {
        Gen g = new Gen(seed);
        int c = 64, k = 5, stride = 1 + g.rng.nextInt(2), pad = 2;
        Tensor x = g.tensor(2 + g.rng.nextInt(2), c, 96 * stride + g.rng.nextInt(3), 96 * stride + g.rng.nextInt(3));
        Tensor w = g.tensor(c, 2, k, k);
        Conv2dParams p = new Conv2dParams(stride, stride, pad, pad, 1, 1, c / 2);
        Tensor gy = g.tensor(Conv.conv2d(x, w, null, p).shape());
        String what = "x " + Arrays.toString(x.shape()) + " w " + Arrays.toString(w.shape()) + " " + p;
        int band = 1 << 24;
        if (Conv.columnsPerImage(x.shape(), w.shape(), gy.size(2) * gy.size(3)) * 2 <= band) throw new AssertionError("not chunked: " + what);
        Tensor[] both = Conv.conv2dBackward(on.apply(x), on.apply(w), on.apply(gy), p, true, true, band);
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2dBackwardInput(gy, w, x.shape(), p), both[0].toCpu(), 1e-5, 1e-4, "dx " + what);
        // dw sums K = N·OH·OW (2·10⁴ to 5·10⁴) products of unit-scale values in float: errs by up to ≈ 1e-7·K
        double k2 = (double) x.size(0) * gy.size(2) * gy.size(3);
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2dBackwardWeight(x, gy, w.shape(), p), both[1].toCpu(), 1e-7 * k2, 1e-4, "dw " + what);
        Tensor[] onlyW = Conv.conv2dBackward(on.apply(x), on.apply(w), on.apply(gy), p, false, true, band);
        Close.assertClose(both[1].toCpu(), onlyW[1].toCpu(), 0, "dw alone " + what);
        Tensor sum = null; // chunks of one image: each image's own backward, dw added in image order, bit for bit
        for (int i = 0; i < x.size(0); i++) {
            Tensor[] one = Conv.conv2dBackward(on.apply(x.narrow(0, i, 1)), on.apply(w), on.apply(gy.narrow(0, i, 1)), p, true, true);
            Close.assertClose(one[0].toCpu(), both[0].narrow(0, i, 1).toCpu(), 0, "dx of image " + i + " alone " + what);
            sum = sum == null ? one[1].toCpu() : Elementwise.add(sum, one[1].toCpu());
        }
        Close.assertClose(sum, both[1].toCpu(), 0, "dw as the images' dw summed in order " + what);
    }

    /**
     * A depthwise convolution (groups = C, channel multiplier 1 or 2; 3×3 or 5×5, stride 1 or 2) of a batch, x a view
     * into a larger tensor: both gradients, and dw alone, against the references.
     */
    public static void depthwiseConvBackward(long seed, UnaryOperator<Tensor> on) {
        Gen g = new Gen(seed);
        int c = 1 + g.rng.nextInt(12), m = 1 + g.rng.nextInt(2), k = g.rng.nextBoolean() ? 3 : 5, stride = 1 + g.rng.nextInt(2);
        int pad = g.rng.nextInt(k / 2 + 1), n = 1 + g.rng.nextInt(4);
        Tensor xs = g.tensor(n + 1, c, k + g.rng.nextInt(30), k + g.rng.nextInt(30)), x = xs.narrow(0, 1, n);
        Tensor w = g.tensor(c * m, 1, k, k);
        Conv2dParams p = new Conv2dParams(stride, stride, pad, pad, 1, 1, c);
        assertBackwardMatchesReference(g, x, w, p, on);
    }

    public static void poolBackward(long seed, UnaryOperator<Tensor> on) {
        Gen g = new Gen(seed);
        int k = 1 + g.rng.nextInt(3), s = 1 + g.rng.nextInt(3), pad = g.rng.nextInt(k / 2 + 1);
        Tensor x = g.tensor(1 + g.rng.nextInt(2), 1 + g.rng.nextInt(3), k + g.rng.nextInt(8), k + g.rng.nextInt(8));
        Tensor gy = g.tensor(Pool.maxPool2d(x, k, s, pad).shape());
        String what = Arrays.toString(x.shape()) + " k" + k + " s" + s + " p" + pad;
        Close.assertClose(dev.elixr.tensor.reference.Pool.maxPool2dBackward(x, gy, k, s, pad),
                Pool.maxPool2dBackward(on.apply(x), on.apply(gy), k, s, pad).toCpu(), 1e-6, "maxPool2dBackward " + what);
        Close.assertClose(dev.elixr.tensor.reference.Pool.avgPool2dBackward(x, gy, k, s, pad),
                Pool.avgPool2dBackward(on.apply(x), on.apply(gy), k, s, pad).toCpu(), 1e-6, "avgPool2dBackward " + what);
    }

    public static void scatterAddRows(long seed, UnaryOperator<Tensor> on) {
        Gen g = new Gen(seed);
        int rows = 1 + g.rng.nextInt(9), n = g.rng.nextInt(12);
        int[] tail = g.shape(1, 2), ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = g.rng.nextInt(rows);
        int[] shape = new int[tail.length + 1];
        shape[0] = n;
        System.arraycopy(tail, 0, shape, 1, tail.length);
        Tensor src = g.tensor(shape);
        Close.assertClose(dev.elixr.tensor.reference.Index.scatterAddRows(src, ids, rows),
                Index.scatterAddRows(on.apply(src), ids, rows).toCpu(), 1e-6, "scatterAddRows " + Shape.str(shape) + " ids " + Arrays.toString(ids));
    }

    public static void softmaxBackward(long seed, UnaryOperator<Tensor> on) {
        var c = OpCases.SoftmaxCase.of(seed);
        Gen g = new Gen(seed + 7);
        Tensor y = dev.elixr.tensor.reference.Softmax.softmax(c.x(), c.axis()), ly = dev.elixr.tensor.reference.Softmax.logSoftmax(c.x(), c.axis());
        Tensor gy = g.tensor(c.x().shape());
        Close.assertClose(dev.elixr.tensor.reference.Softmax.softmaxBackward(y, gy, c.axis()),
                Softmax.softmaxBackward(on.apply(g.layout(y)), on.apply(gy), c.axis()).toCpu(), 1e-6, 1e-5, "softmaxBackward " + c.what());
        Close.assertClose(dev.elixr.tensor.reference.Softmax.logSoftmaxBackward(ly, gy, c.axis()),
                Softmax.logSoftmaxBackward(on.apply(g.layout(ly)), on.apply(gy), c.axis()).toCpu(), 1e-5, 1e-5, "logSoftmaxBackward " + c.what());
    }

    public static void attentionBackward(long seed, UnaryOperator<Tensor> on) {
        var c = OpCases.AttentionCase.of(seed);
        float scale = (float) (1 / Math.sqrt(c.q().size(3)));
        Gen g = new Gen(seed + 11);
        Tensor gy = g.tensor(c.q().size(0), c.q().size(1), c.q().size(2), c.v().size(3));
        Tensor mask = c.mask() == null ? null : on.apply(c.mask());
        Close.assertClose(dev.elixr.tensor.reference.Attention.probabilities(c.q(), c.k(), c.mask(), c.causal(), scale),
                Attention.probabilities(on.apply(c.q()), on.apply(c.k()), mask, c.causal(), scale).toCpu(), 1e-6, 1e-5, "probabilities " + c.what());
        Tensor[] want = dev.elixr.tensor.reference.Attention.backward(c.q(), c.k(), c.v(), c.mask(), c.causal(), scale, gy);
        Tensor[] got = Attention.backward(on.apply(c.q()), on.apply(c.k()), on.apply(c.v()), mask, c.causal(), scale, on.apply(gy), true, true, true);
        String[] names = {"dq", "dk", "dv"};
        for (int i = 0; i < 3; i++) Close.assertClose(want[i], got[i].toCpu(), 1e-5, 1e-4, names[i] + " " + c.what());
    }

    public static void normBackward(long seed, UnaryOperator<Tensor> on) {
        var c = OpCases.NormCase.of(seed);
        Gen g = new Gen(seed + 13);
        Tensor gy = g.tensor(c.x().shape()), gamma = c.gamma() == null ? null : on.apply(c.gamma());
        Tensor[] want = dev.elixr.tensor.reference.Norm.layerNormBackward(c.x(), c.gamma(), gy, c.eps());
        Tensor[] got = Norm.layerNormBackward(on.apply(c.x()), gamma, on.apply(gy), c.eps(), true, true, true);
        String[] names = {"dx", "dgamma", "dbeta"};
        for (int i = 0; i < 3; i++) Close.assertClose(want[i], got[i].toCpu(), 5e-5, 2e-4, "layerNorm " + names[i] + " " + c.what());
        want = dev.elixr.tensor.reference.Norm.rmsNormBackward(c.x(), c.gamma(), gy, c.eps());
        got = Norm.rmsNormBackward(on.apply(c.x()), gamma, on.apply(gy), c.eps(), true, true);
        for (int i = 0; i < 2; i++) Close.assertClose(want[i], got[i].toCpu(), 5e-5, 2e-4, "rmsNorm " + names[i] + " " + c.what());
    }

    public static void batchNorm(long seed, UnaryOperator<Tensor> on) {
        Gen g = new Gen(seed);
        int n = 1 + g.rng.nextInt(3), ch = 1 + g.rng.nextInt(4), h = 1 + g.rng.nextInt(6), w = seed % 5 == 0 ? 33 : 1 + g.rng.nextInt(6);
        if (n * h * w == 1) n = 2;
        Tensor x = g.layout(Elementwise.add(g.values(2f, n, ch, h, w), seed % 3)), gy = g.tensor(n, ch, h, w);
        Tensor gamma = seed % 3 == 0 ? null : g.tensor(ch), beta = seed % 4 == 0 ? null : g.tensor(ch);
        float eps = 1e-5f;
        String what = "batchNorm2d " + Arrays.toString(x.shape());
        Tensor[] want = dev.elixr.tensor.reference.Norm.batchNorm2d(x, gamma, beta, eps);
        Norm.BatchNorm got = Norm.batchNorm2d(on.apply(x), gamma == null ? null : on.apply(gamma), beta == null ? null : on.apply(beta), eps);
        Close.assertClose(want[0], got.out().toCpu(), 2e-5, 1e-4, what + " out");
        Close.assertClose(want[1], got.mean().toCpu(), 1e-5, 1e-5, what + " mean");
        Close.assertClose(want[2], got.var().toCpu(), 2e-5, 1e-4, what + " var");
        Tensor[] dwant = dev.elixr.tensor.reference.Norm.batchNorm2dBackward(x, gamma, gy, eps);
        Tensor[] dgot = Norm.batchNorm2dBackward(on.apply(x), gamma == null ? null : on.apply(gamma), got, eps, on.apply(gy), true, true, true);
        String[] names = {"dx", "dgamma", "dbeta"};
        for (int i = 0; i < 3; i++) Close.assertClose(dwant[i], dgot[i].toCpu(), 5e-5, 2e-4, what + " " + names[i]);
    }

    public static void crossEntropy(long seed, UnaryOperator<Tensor> on) {
        Gen g = new Gen(seed);
        int n = 1 + g.rng.nextInt(9), c = g.dim();
        Tensor x = g.layout(g.values(3f, n, c));
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = g.rng.nextInt(5) == 0 ? -100 : g.rng.nextInt(c);
        float smoothing = seed % 2 == 0 ? 0f : 0.1f, scale = 0.37f;
        String what = "crossEntropy [" + n + "," + c + "] smoothing " + smoothing;
        Close.assertClose(dev.elixr.tensor.reference.Loss.crossEntropyRows(x, t, smoothing, -100),
                Loss.crossEntropyRows(on.apply(x), t, smoothing, -100).toCpu(), 1e-5, 1e-5, what);
        Close.assertClose(dev.elixr.tensor.reference.Loss.crossEntropyBackward(x, t, smoothing, -100, scale),
                Loss.crossEntropyBackward(on.apply(x), t, smoothing, -100, scale).toCpu(), 1e-6, 1e-5, what + " backward");
    }

    /** Bitwise: the mask is a pure function of (seed, position). */
    public static void dropoutMask(long seed, dev.elixr.tensor.Device device) {
        Gen g = new Gen(seed);
        int[] shape = g.shape(1, 3);
        float p = new float[] {0.1f, 0.3f, 0.5f}[g.rng.nextInt(3)];
        long s = g.rng.nextLong();
        assertArrayEquals(dev.elixr.tensor.reference.Random.dropoutMask(s, p, shape).toFloatArray(),
                Random.dropoutMask(s, p, device, shape).toCpu().toFloatArray(), "dropoutMask " + Shape.str(shape) + " p " + p);
    }

    /** Three AdamW steps from random state on a random-size parameter, against the double reference. */
    public static void adamW(long seed, UnaryOperator<Tensor> on) {
        Gen g = new Gen(seed);
        int n = g.rng.nextInt(3) == 0 ? 1 + g.rng.nextInt(5) : 17 + g.rng.nextInt(300);
        Tensor w = g.values(1f, n), m = g.values(0.1f, n), v = Elementwise.abs(g.values(0.01f, n));
        Tensor rw = w.copy(), rm = m.copy(), rv = v.copy(), dw = on.apply(w).copy(), dm = on.apply(m).copy(), dv = on.apply(v).copy();
        double wd = seed % 2 == 0 ? 0.1 : 0;
        for (long t = 1; t <= 3; t++) {
            Tensor grad = g.layout(g.values(1f, n));
            var st = new AdamWStep(1e-2, 0.9, 0.98, 1e-6, wd, t + seed % 4);
            dev.elixr.tensor.reference.Update.adamW(rw, grad, rm, rv, st);
            Update.adamW(dw, on.apply(grad), dm, dv, st);
        }
        Close.assertClose(rw, dw.toCpu(), 1e-6, 1e-5, "adamW w, n " + n);
        Close.assertClose(rm, dm.toCpu(), 1e-6, 1e-5, "adamW m, n " + n);
        Close.assertClose(rv, dv.toCpu(), 1e-7, 1e-5, "adamW v, n " + n);
    }

    public static void sgd(long seed, UnaryOperator<Tensor> on) {
        Gen g = new Gen(seed);
        int n = 1 + g.rng.nextInt(200);
        boolean momentum = seed % 3 != 0, nesterov = seed % 2 == 0;
        Tensor w = g.values(1f, n), rw = w.copy(), dw = on.apply(w).copy();
        Tensor rb = momentum ? Tensor.zeros(n) : null, db = momentum ? on.apply(Tensor.zeros(n)).copy() : null;
        for (int t = 0; t < 3; t++) {
            Tensor grad = g.layout(g.values(1f, n));
            var st = new SgdStep(0.05, momentum ? 0.9 : 0, 1e-3, nesterov, t == 0);
            dev.elixr.tensor.reference.Update.sgd(rw, grad, rb, st);
            Update.sgd(dw, on.apply(grad), db, st);
        }
        Close.assertClose(rw, dw.toCpu(), 1e-6, 1e-5, "sgd w, n " + n + " momentum " + momentum + " nesterov " + nesterov);
        if (momentum) Close.assertClose(rb, db.toCpu(), 1e-6, 1e-5, "sgd buffer");
    }

}
