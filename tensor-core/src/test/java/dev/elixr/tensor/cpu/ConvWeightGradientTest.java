package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ConvWeightGradient} on seeded random geometries: channels 8 to 64 (multiples of 8 and of the vector length),
 * strides 1 to 3, kernels 1 to 5 (square and not), padding 0 to 3, batches of 1 to 4, planes larger than a K block
 * (one image in several blocks) and smaller (several images a block), output channels no multiple of MR. dW within
 * float accumulation error of the float64 reference, the same bits on one and two threads, and the channels-last copy
 * equal to the plain loop.
 */
class ConvWeightGradientTest {
    static final int STEP = Math.max(8, ConvWeightGradient.VL);

    record Case(int n, int c, int h, int w, int o, int kh, int kw, int s, int ph, int pw, long seed) {
        Conv2dParams params() { return new Conv2dParams(s, s, ph, pw, 1, 1, 1); }
        ConvGeometry geometry() { return ConvGeometry.of(new int[] {n, c, h, w}, kh, kw, params()); }
        @Override public String toString() {
            return "x[" + n + "," + c + "," + h + "," + w + "] w[" + o + "," + c + "," + kh + "," + kw + "] s" + s + " p" + ph + "x" + pw;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        out.add(new Case(3, 16, 48, 48, 32, 3, 3, 2, 1, 1, 1));    // ELIXR-C's second stage: a plane of 576 in two K blocks
        out.add(new Case(4, 64, 12, 12, 96, 3, 3, 2, 1, 1, 2));    // its last: planes of 36, several images a block
        out.add(new Case(2, 32, 20, 18, 13, 3, 3, 1, 1, 1, 3));    // stride 1, 13 output channels
        out.add(new Case(1, 8, 9, 31, 5, 1, 1, 1, 0, 0, 4));       // 1×1
        out.add(new Case(2, 24, 11, 13, 7, 5, 3, 3, 2, 0, 5));     // 5×3 stride 3, padding 2×0
        SplittableRandom r = new SplittableRandom(77);
        for (int i = 0; i < 12; i++) {
            int kh = 1 + r.nextInt(5), kw = 1 + r.nextInt(5), s = 1 + r.nextInt(2);
            out.add(new Case(1 + r.nextInt(3), STEP * (1 + r.nextInt(3)), kh + r.nextInt(30), kw + r.nextInt(30), 1 + r.nextInt(40),
                    kh, kw, s, r.nextInt(Math.min(4, kh + 1)), r.nextInt(Math.min(4, kw + 1)), r.nextLong()));
        }
        return out.stream().filter(k -> k.c() % STEP == 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheFloat64ReferenceAndGivesTheSameBitsOnOneAndTwoThreads(Case k) {
        assertTrue(ConvWeightGradient.suits(k.geometry()), k + " is taken");
        SplittableRandom r = new SplittableRandom(k.seed());
        ConvGeometry q = k.geometry();
        float[] x = ImplicitConvTest.random(r, 3 + k.n() * k.c() * k.h() * k.w()), g = ImplicitConvTest.random(r, 2 + k.n() * k.o() * q.l());
        float[] one = run(k, x, g, 1), two = run(k, x, g, 2);
        for (int i = 0; i < one.length; i++)
            if (Float.floatToRawIntBits(one[i]) != Float.floatToRawIntBits(two[i]))
                throw new AssertionError(k + " at flat " + i + ": 1 thread " + one[i] + ", 2 threads " + two[i]);
        Tensor xt = Tensor.of(Arrays.copyOfRange(x, 3, x.length), k.n(), k.c(), k.h(), k.w());
        Tensor gt = Tensor.of(Arrays.copyOfRange(g, 2, g.length), k.n(), k.o(), q.oh(), q.ow());
        int[] wShape = {k.o(), k.c(), k.kh(), k.kw()};
        // sums of n·L products of values in (−1, 1): float FMA chains err by ≈ 1e-7 of the sum of magnitudes, ≤ n·L
        double atol = 2e-7 * k.n() * q.l() + 1e-6;
        Close.assertClose(dev.elixr.tensor.reference.Conv.conv2dBackwardWeight(xt, gt, wShape, k.params()), Tensor.of(one, wShape),
                atol, 1e-5, "dW " + k);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void channelsLastCopyEqualsThePlainLoop(Case k) {
        SplittableRandom r = new SplittableRandom(k.seed() + 1);
        ConvGeometry q = k.geometry();
        int hp = (q.oh() - 1) * k.s() + k.kh(), wp = (q.ow() - 1) * k.s() + k.kw();
        float[] x = ImplicitConvTest.random(r, 5 + k.c() * k.h() * k.w()), got = new float[1 + hp * wp * k.c()];
        Arrays.fill(got, Float.NaN); // the copy must write every float of its image, zeros included
        got[0] = 7f;
        ConvWeightGradient.channelsLast(x, 5, q, hp, wp, got, 1);
        assertTrue(got[0] == 7f, "wrote before its image");
        for (int rr = 0; rr < hp; rr++)
            for (int cc = 0; cc < wp; cc++)
                for (int ci = 0; ci < k.c(); ci++) {
                    int iy = rr - k.ph(), ix = cc - k.pw();
                    float want = iy < 0 || iy >= k.h() || ix < 0 || ix >= k.w() ? 0f : x[5 + (ci * k.h() + iy) * k.w() + ix];
                    float have = got[1 + (rr * wp + cc) * k.c() + ci];
                    if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(have))
                        throw new AssertionError(k + " at padded (" + rr + ", " + cc + ") channel " + ci + ": " + have + ", want " + want);
                }
    }

    /** dW on {@code threads} threads (x at 3, g at 2, dW at 1 of a NaN-filled array; the float before it must stay NaN). */
    private static float[] run(Case k, float[] x, float[] g, int threads) {
        float[] dw = new float[1 + k.o() * k.c() * k.kh() * k.kw()];
        Arrays.fill(dw, Float.NaN);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            ConvWeightGradient.compute(x, 3, g, 2, k.geometry(), k.o(), dw, 1);
        } finally {
            Parallel.setThreads(before);
        }
        assertTrue(Float.isNaN(dw[0]), k + ": wrote before dW");
        return Arrays.copyOfRange(dw, 1, dw.length);
    }
}
