package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.backend.Conv2dParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DepthwiseBackward} and its plain twin against float64 sums of the defining formulas, on seeded random
 * geometries: batches, odd extents, 3×3 and 5×5 kernels, strides 1 and 2 (also different along H and W), padding,
 * dilation and channel multipliers; bit-identical on 1 and 2 threads and whichever gradients are asked for.
 */
class DepthwiseBackwardTest {
    record Geometry(int n, int c, int m, int h, int w, int k, Conv2dParams p, long seed) {
        int o() { return c * m; }
        int oh() { return Conv2dParams.outSize(h, k, p.strideH(), p.padH(), p.dilationH()); }
        int ow() { return Conv2dParams.outSize(w, k, p.strideW(), p.padW(), p.dilationW()); }
        @Override public String toString() {
            return "x[" + n + "," + c + "," + h + "," + w + "] w[" + o() + ",1," + k + "," + k + "] " + p;
        }
    }

    static Geometry of(int n, int c, int m, int h, int w, int k, int stride, int pad, int dil, long seed) {
        return new Geometry(n, c, m, h, w, k, new Conv2dParams(stride, stride, pad, pad, dil, dil, c), seed);
    }

    static Stream<Arguments> geometries() {
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of(of(2, 16, 1, 28, 28, 3, 1, 1, 1, 1)));   // EfficientNet-B0's 3×3, a batch
        out.add(Arguments.of(of(3, 8, 1, 57, 57, 5, 2, 2, 1, 2)));    // 5×5 stride 2 on an odd extent
        out.add(Arguments.of(of(2, 5, 1, 19, 23, 5, 2, 2, 1, 3)));
        out.add(Arguments.of(of(1, 3, 1, 33, 35, 5, 1, 2, 1, 4)));
        out.add(Arguments.of(of(4, 4, 1, 9, 40, 3, 2, 1, 1, 5)));     // short and wide
        out.add(Arguments.of(of(2, 6, 1, 7, 7, 5, 1, 2, 1, 6)));      // a plane smaller than a vector's span of rows
        out.add(Arguments.of(of(2, 3, 2, 21, 19, 3, 1, 1, 2, 7)));    // channel multiplier 2, dilated
        out.add(Arguments.of(of(1, 2, 1, 3, 3, 3, 1, 0, 1, 8)));      // one output
        out.add(Arguments.of(of(1, 4, 1, 112, 112, 3, 1, 1, 1, 9)));  // rows of 112
        out.add(Arguments.of(new Geometry(2, 5, 1, 13, 17, 3, new Conv2dParams(2, 1, 0, 2, 1, 1, 5), 10))); // strides and pads per axis
        SplittableRandom r = new SplittableRandom(41);
        for (int i = 0; i < 20; i++) {
            int k = r.nextBoolean() ? 3 : 5, dil = i < 14 ? 1 : 2, stride = 1 + r.nextInt(2);
            int h = k * dil + r.nextInt(30), w = k * dil + r.nextInt(40);
            out.add(Arguments.of(of(1 + r.nextInt(4), 1 + r.nextInt(7), i % 5 == 4 ? 1 + r.nextInt(3) : 1, h, w, k, stride,
                    r.nextInt(k), dil, r.nextLong())));
        }
        return out.stream();
    }

    static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-1, 1);
        return x;
    }

    /** The operands of a geometry, each at an offset of its own in a longer array. */
    record Operands(float[] x, float[] w, float[] g) {
        static final int X_OFF = 3, W_OFF = 2, G_OFF = 5, DX_OFF = 1, DW_OFF = 4;

        static Operands of(Geometry q) {
            SplittableRandom r = new SplittableRandom(q.seed());
            return new Operands(random(r, X_OFF + q.n() * q.c() * q.h() * q.w()), random(r, W_OFF + q.o() * q.k() * q.k()),
                    random(r, G_OFF + q.n() * q.o() * q.oh() * q.ow()));
        }
    }

    /** dx and dw of the fast kernel (or the plain twin), NaN-filled beforehand: the kernels overwrite. */
    static float[][] run(Geometry q, Operands a, boolean plain, boolean wantX, boolean wantW) {
        float[] dx = wantX ? new float[Operands.DX_OFF + q.n() * q.c() * q.h() * q.w()] : null;
        float[] dw = wantW ? new float[Operands.DW_OFF + q.o() * q.k() * q.k()] : null;
        if (dx != null) Arrays.fill(dx, Float.NaN);
        if (dw != null) Arrays.fill(dw, Float.NaN);
        if (plain) {
            DepthwiseBackward.backwardPlain(a.x(), Operands.X_OFF, a.w(), Operands.W_OFF, a.g(), Operands.G_OFF, q.n(), q.c(), q.h(), q.w(),
                    q.o(), q.k(), q.k(), q.p(), dx, Operands.DX_OFF, dw, Operands.DW_OFF);
        } else {
            DepthwiseBackward.backward(a.x(), Operands.X_OFF, a.w(), Operands.W_OFF, a.g(), Operands.G_OFF, q.n(), q.c(), q.h(), q.w(),
                    q.o(), q.k(), q.k(), q.p(), dx, Operands.DX_OFF, dw, Operands.DW_OFF);
        }
        return new float[][] {dx, dw};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void fastKernelMatchesFloat64(Geometry q) {
        Operands a = Operands.of(q);
        float[][] d = run(q, a, false, true, true);
        checkAgainstFloat64(q, a, d[0], d[1], "fast");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void plainTwinMatchesFloat64(Geometry q) {
        Operands a = Operands.of(q);
        float[][] d = run(q, a, true, true, true);
        checkAgainstFloat64(q, a, d[0], d[1], "plain");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void sameBitsOnOneAndTwoThreadsAndForEitherGradientAlone(Geometry q) {
        Operands a = Operands.of(q);
        int before = Parallel.threads();
        float[][] one, two;
        try {
            Parallel.setThreads(1);
            one = run(q, a, false, true, true);
            Parallel.setThreads(2);
            two = run(q, a, false, true, true);
        } finally {
            Parallel.setThreads(before);
        }
        assertSameBits(one[0], two[0], q + " dx, 1 vs 2 threads");
        assertSameBits(one[1], two[1], q + " dw, 1 vs 2 threads");
        assertSameBits(one[0], run(q, a, false, true, false)[0], q + " dx alone vs with dw");
        assertSameBits(one[1], run(q, a, false, false, true)[1], q + " dw alone vs with dx");
    }

    @Test
    void theCpuBackendFusesDepthwiseBackwardsHereAndDeclaresThisKernelsScratch() {
        var be = new CpuBackend();
        int[] x = {4, 6, 20, 20}, dwise = {6, 1, 5, 5}, grouped = {6, 2, 5, 5};
        Conv2dParams p6 = Conv2dParams.of(2, 2, 1, 6), p3 = Conv2dParams.of(2, 2, 1, 3);
        assertTrue(be.fusesConv2dBackward(p6, x, dwise), "depthwise: fused");
        assertTrue(!be.fusesConv2dBackward(p3, x, grouped), "two channels a group: composed by ops");
        org.junit.jupiter.api.Assertions.assertEquals(DepthwiseBackward.scratchFloats(4, x, dwise, p6),
                be.conv2dBackwardScratchFloats(4, x, dwise, 100, p6));
    }

    @Test
    void refusesAConvolutionThatIsNotDepthwise() {
        var e = assertThrows(IllegalArgumentException.class, () -> DepthwiseBackward.backward(new float[2 * 4 * 5 * 5], 0,
                new float[4 * 2 * 9], 0, new float[2 * 4 * 25], 0, 2, 4, 5, 5, 4, 3, 3, Conv2dParams.of(1, 1, 1, 2),
                new float[2 * 4 * 25], 0, null, 0));
        assertTrue(e.getMessage().contains("groups 2 must equal the channels 4"), e.getMessage());
    }

    private static void assertSameBits(float[] a, float[] b, String what) {
        for (int i = 0; i < a.length; i++)
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i]))
                throw new AssertionError(what + " at " + i + ": " + a[i] + " vs " + b[i]);
    }

    /**
     * dx and dw against their defining sums in float64, each within 1e-5 of the sum of its terms' magnitudes (float
     * sums of up to N·OH·OW products; a wrong or shifted tap is off by about the square root of that many).
     */
    private static void checkAgainstFloat64(Geometry q, Operands a, float[] dx, float[] dw, String which) {
        int m = q.m(), oh = q.oh(), ow = q.ow(), k = q.k();
        Conv2dParams p = q.p();
        double[] wantX = new double[q.n() * q.c() * q.h() * q.w()], absX = new double[wantX.length];
        double[] wantW = new double[q.o() * k * k], absW = new double[wantW.length];
        for (int ni = 0; ni < q.n(); ni++)
            for (int oc = 0; oc < q.o(); oc++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double gv = a.g()[Operands.G_OFF + ((ni * q.o() + oc) * oh + oy) * ow + ox];
                        for (int ky = 0; ky < k; ky++)
                            for (int kx = 0; kx < k; kx++) {
                                int iy = oy * p.strideH() - p.padH() + ky * p.dilationH(), ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                                if (iy < 0 || iy >= q.h() || ix < 0 || ix >= q.w()) continue;
                                int xi = ((ni * q.c() + oc / m) * q.h() + iy) * q.w() + ix, wi = (oc * k + ky) * k + kx;
                                double tx = gv * a.w()[Operands.W_OFF + wi], tw = gv * a.x()[Operands.X_OFF + xi];
                                wantX[xi] += tx;
                                absX[xi] += Math.abs(tx);
                                wantW[wi] += tw;
                                absW[wi] += Math.abs(tw);
                            }
                    }
        for (int i = 0; i < wantX.length; i++) {
            float got = dx[Operands.DX_OFF + i];
            if (!(Math.abs(got - wantX[i]) <= 1e-5 * absX[i] + 1e-6))
                throw new AssertionError(which + " " + q + " dx at " + i + ": " + got + ", expected " + wantX[i]);
        }
        for (int i = 0; i < wantW.length; i++) {
            float got = dw[Operands.DW_OFF + i];
            if (!(Math.abs(got - wantW[i]) <= 1e-5 * absW[i] + 1e-6))
                throw new AssertionError(which + " " + q + " dw at " + i + ": " + got + ", expected " + wantW[i]);
        }
        if (dx[0] == dx[0] || dw[0] == dw[0] || dw[Operands.DW_OFF - 1] == dw[Operands.DW_OFF - 1])
            throw new AssertionError(which + " " + q + ": wrote before its output's offset");
    }
}
