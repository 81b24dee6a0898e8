package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.UnaryOp;
import dev.elixr.tensor.reference.Conv;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@link ImplicitConv} (the im2col gather fused into the packing of the GEMM's B strips) and its packer
 * {@link ConvPanel}, on seeded random geometries: odd sizes, padding 0–2, stride 1 and 2 (and 2 along rows only),
 * dilation 1 and 2, groups, batches, channel counts that are no multiple of the vector width, planes narrower than
 * a vector, K over several blocks.
 */
class ImplicitConvTest {
    record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw, int dil, int groups, long seed) {
        Conv2dParams params() { return new Conv2dParams(sh, sw, ph, pw, dil, dil, groups); }
        int oh() { return Conv2dParams.outSize(h, kh, sh, ph, dil); }
        int ow() { return Conv2dParams.outSize(w, kw, sw, pw, dil); }
        @Override public String toString() {
            return "x[" + n + "," + c + "," + h + "," + w + "] w[" + o + "," + c / groups + "," + kh + "," + kw + "] s" + sh + "x" + sw
                    + " p" + ph + "x" + pw + " d" + dil + " g" + groups;
        }
    }

    static Stream<Geometry> geometries() {
        List<Geometry> out = new ArrayList<>();
        out.add(new Geometry(1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1));     // bench ops' 3×3: K = 576 in three blocks
        out.add(new Geometry(1, 32, 112, 112, 64, 3, 3, 2, 2, 1, 1, 1, 1, 2));   // bench ops' stride 2
        out.add(new Geometry(1, 70, 19, 21, 36, 1, 1, 1, 1, 0, 0, 1, 1, 3));     // 1×1
        out.add(new Geometry(3, 5, 7, 7, 13, 3, 3, 1, 1, 1, 1, 1, 1, 4));        // planes narrower than a strip, a batch
        out.add(new Geometry(2, 7, 23, 9, 11, 5, 5, 2, 2, 2, 2, 1, 1, 5));       // 5×5 stride 2, odd width
        out.add(new Geometry(1, 6, 17, 31, 10, 3, 3, 1, 1, 2, 2, 2, 2, 6));      // dilated, grouped, padding 2
        out.add(new Geometry(2, 9, 15, 13, 17, 3, 3, 2, 1, 0, 1, 1, 1, 7));      // stride 2 along rows only
        out.add(new Geometry(1, 3, 9, 101, 4, 3, 3, 1, 2, 1, 1, 1, 1, 8));       // stride 2 along columns only, wide
        out.add(new Geometry(1, 30, 11, 12, 300, 3, 3, 1, 1, 1, 1, 1, 1, 9));    // many output channels, few strips: rows split
        out.add(new Geometry(3, 16, 48, 48, 32, 3, 3, 2, 2, 1, 1, 1, 1, 10));   // ELIXR-C's tower at stride 2: rows of 24 (+ 1 junk)
        out.add(new Geometry(2, 64, 12, 12, 96, 3, 3, 2, 2, 1, 1, 1, 1, 11));   // its last stage: rows of 6
        out.add(new Geometry(1, 3, 9, 9, 5, 2, 2, 2, 2, 0, 0, 1, 1, 12));       // kernel 2 at stride 2: an input column never read
        out.add(new Geometry(1, 40, 41, 37, 48, 3, 3, 2, 2, 1, 1, 1, 2, 13));   // one image at stride 2 in bands of rows, grouped, odd sizes
        out.add(new Geometry(1, 24, 45, 43, 40, 5, 5, 2, 2, 2, 2, 1, 1, 14));   // 5×5 at stride 2 in bands: two phase rows shared
        SplittableRandom r = new SplittableRandom(41);
        for (int i = 0; i < 16; i++) {
            int g = 1 + r.nextInt(2), k = 1 + 2 * r.nextInt(3), dil = 1 + r.nextInt(2), s = 1 + r.nextInt(2);
            int h = (k - 1) * dil + 1 + r.nextInt(25), w = (k - 1) * dil + 1 + r.nextInt(40);
            out.add(new Geometry(1 + r.nextInt(3), g * (1 + r.nextInt(23)), h, w, g * (1 + r.nextInt(40)), k, k, s, s,
                    r.nextInt(3), r.nextInt(3), dil, g, r.nextLong()));
        }
        return out.stream();
    }

    static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-1, 1);
        return x;
    }

    /** Every strip and K block the packer writes equals the same rows and columns of the im2col matrix, bit for bit. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void packedStripsEqualTheIm2colMatrix(Geometry g) {
        SplittableRandom r = new SplittableRandom(g.seed());
        int cg = g.c() / g.groups(), ck = cg * g.kh() * g.kw(), nr = Sgemm.PLAN.nr(), oh = g.oh(), ow = g.ow();
        float[] x = random(r, 5 + g.n() * g.c() * g.h() * g.w());
        int xOff = 5 + (g.n() - 1) * g.c() * g.h() * g.w() + (g.groups() - 1) * cg * g.h() * g.w(); // the last image's last group
        ConvPanel panel = new ConvPanel();
        panel.configure(x, xOff, cg, g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dil(), g.dil(), oh, ow, nr);
        int strips = (oh * ow + nr - 1) / nr, kc = Math.max(1, ck / 3 + 1);
        for (int per : new int[] {1, 3}) {
            for (int s0 = 0; s0 < strips; s0 += per) {
                int n = Math.min(per, strips - s0);
                panel.describe(s0 * nr, n);
                for (int pc = 0; pc < ck; pc += kc) {
                    int kb = Math.min(kc, ck - pc);
                    float[] got = new float[n * kb * nr], want = new float[nr * kb];
                    Arrays.fill(got, Float.NaN);
                    panel.pack(pc, kb, got, kb * nr);
                    for (int s = 0; s < n; s++) {
                        ConvPanel.packReference(x, xOff, g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dil(), g.dil(),
                                oh, ow, (s0 + s) * nr, nr, pc, kb, want);
                        for (int i = 0; i < want.length; i++)
                            if (Float.floatToRawIntBits(got[s * kb * nr + i]) != Float.floatToRawIntBits(want[i]))
                                throw new AssertionError(g + " strip " + (s0 + s) + " rows from " + pc + " at (" + (pc + i / nr) + ", "
                                        + i % nr + "): packed " + got[s * kb * nr + i] + ", im2col " + want[i]);
                    }
                }
            }
        }
    }

    /**
     * Without epilogue every output is the plain loop's FMA chain over k in order (padding taps included), bit for bit,
     * on one thread and on two.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void equalsThePlainFmaChainBitForBitOnOneAndTwoThreads(Geometry g) {
        SplittableRandom r = new SplittableRandom(g.seed() ^ 0x9E3779B97F4A7C15L);
        int cg = g.c() / g.groups();
        float[] x = random(r, 3 + g.n() * g.c() * g.h() * g.w()), w = random(r, 2 + g.o() * cg * g.kh() * g.kw());
        float[] plain = new float[1 + g.n() * g.o() * g.oh() * g.ow()];
        ImplicitConv.conv2dPlain(x, 3, g.n(), g.c(), g.h(), g.w(), w, 2, g.o(), g.kh(), g.kw(), ConvEpilogue.NONE, g.params(), plain, 1);
        for (int t = 1; t <= 2; t++) {
            float[] got = run(g, x, w, ConvEpilogue.NONE, t);
            for (int i = 1; i < plain.length; i++)
                if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(plain[i]))
                    throw new AssertionError(g + " on " + t + " thread(s) at flat " + (i - 1) + ": " + got[i] + ", plain FMA chain " + plain[i]);
        }
    }

    /**
     * With a folded batch norm and an activation: within float64's tolerance of the reference convolution
     * ({@link Conv#conv2d}) followed by the epilogue in float64, and the same bits on one and two threads.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void withEpilogueMatchesTheFloat64ReferenceAndGivesTheSameBitsOnOneAndTwoThreads(Geometry g) {
        SplittableRandom r = new SplittableRandom(g.seed() ^ 0x2545F4914F6CDD1DL);
        int cg = g.c() / g.groups();
        float[] x = random(r, 3 + g.n() * g.c() * g.h() * g.w()), w = random(r, 2 + g.o() * cg * g.kh() * g.kw());
        UnaryOp[] acts = {UnaryOp.SILU, UnaryOp.RELU, null, UnaryOp.SIGMOID};
        var ep = new ConvEpilogue(random(r, 1 + g.o()), 1, random(r, 4 + g.o()), 4, acts[(int) Math.floorMod(g.seed(), 4L)]);
        float[] one = run(g, x, w, ep, 1), two = run(g, x, w, ep, 2);
        Tensor xt = Tensor.of(Arrays.copyOfRange(x, 3, x.length), g.n(), g.c(), g.h(), g.w());
        Tensor wt = Tensor.of(Arrays.copyOfRange(w, 2, w.length), g.o(), cg, g.kh(), g.kw());
        float[] ref = Conv.conv2d(xt, wt, null, g.params()).toFloatArray(); // float64 sums, rounded once
        float[] abs = Conv.conv2d(absolute(xt), absolute(wt), null, g.params()).toFloatArray();
        int plane = g.oh() * g.ow();
        for (int i = 1; i < one.length; i++) {
            if (Float.floatToRawIntBits(one[i]) != Float.floatToRawIntBits(two[i]))
                throw new AssertionError(g + " at flat " + (i - 1) + ": 1 thread " + one[i] + ", 2 threads " + two[i]);
            int oc = (i - 1) / plane % g.o();
            double want = ep.applyPlain(ref[i - 1], oc);
            // float FMA chains of products |·| < 1 against float64 sums, then slopes ≤ 1 (scale |·| < 1, SiLU ≤ 1.1)
            if (!(Math.abs(one[i] - want) <= 2e-6 * abs[i - 1] + 2e-6 * (1 + Math.abs(want))))
                throw new AssertionError(g + " " + ep.act() + " at flat " + (i - 1) + ": " + one[i] + ", float64 reference " + want);
        }
    }

    /**
     * The plain 1×1 convolutions Conv2dKernel now sends here (planes of at least {@link ImplicitConv#POINTWISE_MIN_PLANE})
     * give the bits {@link PointwiseConv} gave: the same FMA chain over the channels, the same epilogue.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("widePointwise")
    void widePointwiseGivesPointwiseConvsBits(Geometry g) {
        SplittableRandom r = new SplittableRandom(g.seed());
        int hw = g.h() * g.w();
        float[] x = random(r, 3 + g.c() * hw), w = random(r, 2 + g.o() * g.c());
        var ep = new ConvEpilogue(random(r, 1 + g.o()), 1, random(r, 4 + g.o()), 4, UnaryOp.SILU);
        float[] want = new float[1 + g.o() * hw];
        Arrays.fill(want, Float.NaN);
        PointwiseConv.conv2d(w, 2, g.o(), g.c(), x, 3, hw, null, 0, want, 1, ep, 0);
        for (int t = 1; t <= 2; t++) {
            float[] got = run(g, x, w, ep, t);
            for (int i = 1; i < want.length; i++)
                if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i]))
                    throw new AssertionError(g + " on " + t + " thread(s) at flat " + (i - 1) + ": " + got[i] + ", PointwiseConv " + want[i]);
        }
    }

    /**
     * The bands of an image at stride 2: one (the image whole) where one thread takes it and its planes fit the budget;
     * otherwise enough that a band's planes fit, at least two a thread where threads share it, never a band under
     * {@link ImplicitConv#BAND_ROWS} rows, except that a multiple of the threads (equal shares) may take bands down to
     * three quarters of that. A band's planes stay within the budget (give or take a row) unless more bands would go under
     * the minimum (28 rows of 64 channels with a 1 MiB L2: 3 bands of 9–10 rows, over the budget, not 4 of 7).
     */
    @org.junit.jupiter.api.Test
    void bandsKeepABandsPlanesWithinTheBudgetAndGiveSharingThreadsTwoEach() {
        int[][] images = {{3, 3, 48, 48}, {16, 3, 24, 24}, {32, 3, 56, 56}, {64, 3, 28, 28}, {3, 3, 112, 112}, {256, 5, 60, 60}, {8, 3, 12, 12}, {24, 3, 40, 40}};
        for (int[] im : images) {
            int cg = im[0], k = im[1], oh = im[2], ow = im[3];
            long perRow = 4L * cg * PhasePlanes.wideRow(ow, k);
            for (int t = 1; t <= 4; t++) {
                int bands = ImplicitConv.bands(cg, k, k, oh, ow, t), rows = (oh + bands - 1) / bands;
                String what = "cg " + cg + " k " + k + " " + oh + "×" + ow + " on " + t + " thread(s): " + bands + " band(s)";
                int least = t > 1 && bands % t == 0 ? ImplicitConv.BAND_ROWS * 3 / 4 : ImplicitConv.BAND_ROWS;
                if (bands < 1 || (bands > 1 && oh / bands < least)) throw new AssertionError(what + ", rows under the minimum");
                if (t > 1 && bands > 1 && bands % t != 0 && oh / Sgemm.roundUp(bands, t) >= ImplicitConv.BAND_ROWS * 3 / 4)
                    throw new AssertionError(what + ": not a multiple of the threads where one would keep bands of "
                            + ImplicitConv.BAND_ROWS * 3 / 4 + " rows");
                boolean fitsWhole = (oh + (k - 1) / 2) * perRow <= ImplicitConv.BAND_FLOATS;
                if (t == 1 && fitsWhole && bands != 1) throw new AssertionError(what + " where the whole image's planes fit");
                if (t > 1 && bands < Math.min(2 * t, oh / ImplicitConv.BAND_ROWS)) throw new AssertionError(what + ", fewer than two a thread");
                if (bands > 1 && bands < oh / ImplicitConv.BAND_ROWS && (rows + (k - 1) / 2) * perRow > ImplicitConv.BAND_FLOATS + perRow)
                    throw new AssertionError(what + " of " + rows + " rows, planes over the budget of " + ImplicitConv.BAND_FLOATS + " floats");
            }
        }
    }

    static Stream<Geometry> widePointwise() {
        return Stream.of(new Geometry(1, 256, 56, 56, 64, 1, 1, 1, 1, 0, 0, 1, 1, 51),   // bench ops' 1×1
                new Geometry(1, 37, 45, 47, 29, 1, 1, 1, 1, 0, 0, 1, 1, 52),            // odd sizes, rows not a multiple of MR
                new Geometry(1, 300, 48, 50, 20, 1, 1, 1, 1, 0, 0, 1, 1, 53));          // K over two blocks
    }

    private static Tensor absolute(Tensor t) {
        float[] a = t.toFloatArray();
        for (int i = 0; i < a.length; i++) a[i] = Math.abs(a[i]);
        return Tensor.of(a, t.shape());
    }

    /** ImplicitConv on {@code threads} threads into a fresh NaN-filled output at offset 1 (x at 3, w at 2). */
    private static float[] run(Geometry g, float[] x, float[] w, ConvEpilogue ep, int threads) {
        float[] out = new float[1 + g.n() * g.o() * g.oh() * g.ow()];
        Arrays.fill(out, Float.NaN);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            ImplicitConv.conv2d(x, 3, g.n(), g.c(), g.h(), g.w(), w, 2, g.o(), g.kh(), g.kw(), ep, g.params(), out, 1);
        } finally {
            Parallel.setThreads(before);
        }
        return out;
    }
}
