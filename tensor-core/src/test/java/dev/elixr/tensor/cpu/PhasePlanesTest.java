package dev.elixr.tensor.cpu;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@link PhasePlanes}: the strips packed from the phase planes hold, at every real output position (oy, ox &lt; OW of
 * the wide rows), the im2col matrix's column oy·OW + ox bit for bit ({@link ConvPanel#packReference}), for every K
 * block and chunk; on the stride-2, dilation-1 geometries of {@link ImplicitConvTest} and a few more (rows longer than
 * a phase row, kernel 2 and 4, padding 0–3, the ELIXR-C tower's shapes).
 */
class PhasePlanesTest {
    static Stream<ImplicitConvTest.Geometry> geometries() {
        Stream<ImplicitConvTest.Geometry> more = Stream.of(
                new ImplicitConvTest.Geometry(1, 16, 48, 48, 32, 3, 3, 2, 2, 1, 1, 1, 1, 11),  // ELIXR-C's second stage
                new ImplicitConvTest.Geometry(1, 64, 12, 12, 96, 3, 3, 2, 2, 1, 1, 1, 1, 12),  // its last: rows of 6
                new ImplicitConvTest.Geometry(1, 3, 9, 9, 5, 2, 2, 2, 2, 0, 0, 1, 1, 13),      // a column never read (kernel 2)
                new ImplicitConvTest.Geometry(1, 4, 10, 11, 6, 4, 4, 2, 2, 3, 0, 1, 1, 14),    // kernel 4, padding 3 × 0
                new ImplicitConvTest.Geometry(1, 2, 5, 30, 3, 1, 1, 2, 2, 0, 0, 1, 1, 15));    // 1×1 stride 2
        return Stream.concat(ImplicitConvTest.geometries().filter(g -> PhasePlanes.suits(g.sh(), g.sw(), g.dil(), g.dil())), more);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void planesSplitOnTwoThreadsAreTheBitsOfTheOneThreadSplit(ImplicitConvTest.Geometry g) {
        SplittableRandom r = new SplittableRandom(g.seed());
        int cg = g.c() / g.groups(), nr = Sgemm.PLAN.nr();
        float[] x = ImplicitConvTest.random(r, 5 + g.c() * g.h() * g.w());
        PhasePlanes one = new PhasePlanes(), two = new PhasePlanes();
        one.configure(x, 5, cg, g.h(), g.w(), g.kh(), g.kw(), g.ph(), g.pw(), g.oh(), g.ow(), nr, false);
        int before = dev.elixr.tensor.Parallel.threads();
        try {
            dev.elixr.tensor.Parallel.setThreads(2);
            two.configure(x, 5, cg, g.h(), g.w(), g.kh(), g.kw(), g.ph(), g.pw(), g.oh(), g.ow(), nr, true);
        } finally {
            dev.elixr.tensor.Parallel.setThreads(before);
        }
        for (int i = 0; i < one.planes().length; i++)
            if (Float.floatToRawIntBits(one.planes()[i]) != Float.floatToRawIntBits(two.planes()[i]))
                throw new AssertionError(g + " at " + i + ": one thread " + one.planes()[i] + ", two " + two.planes()[i]);
    }

    /**
     * A band of output rows y0 … y1 − 1 (a thread's share of an image in {@link ImplicitConv}): every tap's run at band
     * position (oy − y0)·WP + ox holds the whole image's planes' float at oy·WP + ox, for bands at the top, inside and at
     * the bottom (whose planes read past the image's last row as zero padding).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void aBandsPlanesHoldTheWholeImagesRunsForItsRows(ImplicitConvTest.Geometry g) {
        SplittableRandom r = new SplittableRandom(g.seed() + 7);
        int cg = g.c() / g.groups(), ck = cg * g.kh() * g.kw(), nr = Sgemm.PLAN.nr(), oh = g.oh(), ow = g.ow();
        float[] x = ImplicitConvTest.random(r, 5 + g.c() * g.h() * g.w());
        PhasePlanes whole = new PhasePlanes(), band = new PhasePlanes();
        whole.configure(x, 5, cg, g.h(), g.w(), g.kh(), g.kw(), g.ph(), g.pw(), oh, ow, nr, false);
        int wp = whole.rowPitch();
        int[][] bands = {{0, Math.max(1, oh / 3)}, {oh / 3, Math.max(oh / 3 + 1, 2 * oh / 3)}, {Math.max(0, oh - 2), oh}};
        for (int[] yb : bands) {
            int y0 = yb[0], y1 = Math.min(oh, yb[1]);
            if (y1 <= y0) continue;
            band.configure(x, 5, cg, g.h(), g.w(), g.kh(), g.kw(), g.ph(), g.pw(), y0, y1 - y0, ow, nr, false);
            for (int k = 0; k < ck; k++)
                for (int oy = y0; oy < y1; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        float got = band.planes()[band.tapOffset(k) + (oy - y0) * wp + ox];
                        float want = whole.planes()[whole.tapOffset(k) + oy * wp + ox];
                        if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(want))
                            throw new AssertionError(g + " band " + y0 + "…" + (y1 - 1) + " row " + k + " output (" + oy + ", " + ox
                                    + "): band " + got + ", whole image " + want);
                    }
        }
    }

    /** Row widths 0 … 4·VL + 3: whole vectors and every tail length, odd and even. */
    static Stream<Integer> widths() { return java.util.stream.IntStream.rangeClosed(0, 4 * PhasePlanes.VL + 3).boxed(); }

    @ParameterizedTest(name = "w = {0}")
    @MethodSource("widths")
    void splitPutsEvenAndOddFloatsInTheirRowsAndWritesNothingElse(int w) {
        SplittableRandom r = new SplittableRandom(40 + w);
        float[] x = ImplicitConvTest.random(r, 3 + w);
        float[] out = new float[2 * w + 10];
        Arrays.fill(out, Float.NaN);
        int even = 2, odd = 2 + (w + 1) / 2 + 3; // three untouched floats between the rows, NaN
        PhasePlanes.split(x, 3, w, out, even, odd);
        for (int i = 0; i < out.length; i++) {
            float want = i >= even && i < even + (w + 1) / 2 ? x[3 + 2 * (i - even)]
                    : i >= odd && i < odd + w / 2 ? x[3 + 2 * (i - odd) + 1] : Float.NaN;
            if (Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(want))
                throw new AssertionError("w " + w + ": out[" + i + "] = " + out[i] + ", want " + want);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void packedStripsHoldTheIm2colColumnsAtEveryRealPosition(ImplicitConvTest.Geometry g) {
        SplittableRandom r = new SplittableRandom(g.seed());
        int cg = g.c() / g.groups(), ck = cg * g.kh() * g.kw(), nr = Sgemm.PLAN.nr(), oh = g.oh(), ow = g.ow();
        float[] x = ImplicitConvTest.random(r, 5 + g.c() * g.h() * g.w());
        PhasePlanes planes = new PhasePlanes();
        planes.configure(x, 5, cg, g.h(), g.w(), g.kh(), g.kw(), g.ph(), g.pw(), oh, ow, nr, false);
        int wp = planes.rowPitch(), positions = planes.positions(oh), strips = (positions + nr - 1) / nr, kc = Math.max(1, ck / 3 + 1);
        float[] want = new float[nr * ck];
        for (int per : new int[] {1, 3}) {
            for (int s0 = 0; s0 < strips; s0 += per) {
                int n = Math.min(per, strips - s0);
                planes.describe(s0 * nr, n);
                for (int pc = 0; pc < ck; pc += kc) {
                    int kb = Math.min(kc, ck - pc);
                    float[] got = new float[n * kb * nr];
                    Arrays.fill(got, Float.NaN);
                    planes.pack(pc, kb, got, kb * nr);
                    for (int s = 0; s < n; s++)
                        for (int l = 0; l < nr; l++) {
                            int j = (s0 + s) * nr + l, oy = j / wp, ox = j % wp;
                            if (oy >= oh || ox >= ow) continue; // junk columns and the ragged end
                            ConvPanel.packReference(x, 5, g.h(), g.w(), g.kh(), g.kw(), 2, 2, g.ph(), g.pw(), 1, 1, oh, ow,
                                    oy * ow + ox, 1, pc, kb, want);
                            for (int q = 0; q < kb; q++)
                                if (Float.floatToRawIntBits(got[s * kb * nr + q * nr + l]) != Float.floatToRawIntBits(want[q]))
                                    throw new AssertionError(g + " output (" + oy + ", " + ox + ") row " + (pc + q) + ": packed "
                                            + got[s * kb * nr + q * nr + l] + ", im2col " + want[q]);
                        }
                }
            }
        }
    }
}
