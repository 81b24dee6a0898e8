package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@link PhaseCol2im} against {@link CpuIm2col#col2im} on the same column gradient (laid out in wide rows, junk columns
 * 0, for the former): every float of dx written, bit for bit the same, on one and two threads, the rows' tails masked and float by float; on {@link PhasePlanesTest}'s
 * stride-2 geometries (rows and columns no tap reads, kernels 1 to 5, padding 0 to 3, odd sizes).
 */
class PhaseCol2imTest {
    static Stream<ImplicitConvTest.Geometry> geometries() {
        return PhasePlanesTest.geometries().filter(g -> g.groups() == 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void equalsCol2imBitForBitOnOneAndTwoThreadsWithEitherTail(ImplicitConvTest.Geometry g) {
        ConvGeometry q = ConvGeometry.of(new int[] {g.n(), g.c(), g.h(), g.w()}, g.kh(), g.kw(), g.params());
        int wp = PhasePlanes.wideRow(q.ow(), q.kw()), lw = q.oh() * wp, l = q.l(), n = g.n(), ck = q.ck();
        SplittableRandom r = new SplittableRandom(g.seed());
        float[] narrow = ImplicitConvTest.random(r, ck * n * l), wide = new float[3 + ck * n * lw];
        for (int k = 0; k < ck; k++)
            for (int i = 0; i < n; i++)
                for (int oy = 0; oy < q.oh(); oy++)
                    System.arraycopy(narrow, (k * n + i) * l + oy * q.ow(), wide, 3 + (k * n + i) * lw + oy * wp, q.ow());
        int plane = g.c() * g.h() * g.w();
        float[] want = new float[2 + n * plane];
        CpuIm2col.col2im(narrow, 0, q, 0, n, want, 2);
        for (boolean masked : new boolean[] {false, true})
            for (int t = 1; t <= 2; t++) {
                float[] got = new float[2 + n * plane];
                Arrays.fill(got, Float.NaN);
                int before = Parallel.threads();
                try {
                    Parallel.setThreads(t);
                    PhaseCol2im.col2im(wide, 3, q, 0, n, got, 2, masked);
                } finally {
                    Parallel.setThreads(before);
                }
                for (int i = 2; i < got.length; i++)
                    if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i]))
                        throw new AssertionError(g + " on " + t + " thread(s), rows' tails " + (masked ? "masked" : "float by float")
                                + ", at dx flat " + (i - 2) + ": " + got[i] + ", col2im " + want[i]);
            }
    }
}
