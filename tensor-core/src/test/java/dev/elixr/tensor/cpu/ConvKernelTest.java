package dev.elixr.tensor.cpu;

import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.backend.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Conv2dKernel} and {@link DepthwiseConv} against a float64 direct convolution on random geometries, with and
 * without their {@link ConvEpilogue} (folded batch norm, activation) and Conv2dKernel's input gate.
 */
class ConvKernelTest {
    record Geometry(int n, int c, int h, int w, int o, int k, int stride, int pad, int dil, int groups, boolean bias, long seed) {
        Conv2dParams params() { return Conv2dParams.of(stride, pad, dil, groups); }
        @Override public String toString() {
            return "x[" + n + "," + c + "," + h + "," + w + "] w[" + o + "," + c / groups + "," + k + "," + k + "] s" + stride
                    + " p" + pad + " d" + dil + " g" + groups + (bias ? " +b" : "");
        }
    }

    static Stream<Arguments> dense() {
        SplittableRandom r = new SplittableRandom(31);
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of(new Geometry(2, 16, 9, 11, 24, 1, 1, 0, 1, 1, true, 1)));   // pointwise: the image is the GEMM operand
        out.add(Arguments.of(new Geometry(1, 8, 14, 14, 32, 3, 1, 1, 1, 1, true, 2)));   // 3×3 same
        out.add(Arguments.of(new Geometry(1, 3, 17, 15, 32, 3, 2, 1, 1, 1, false, 3)));  // stem, stride 2
        out.add(Arguments.of(new Geometry(2, 8, 10, 10, 8, 3, 1, 2, 2, 2, true, 4)));    // grouped, dilated
        out.add(Arguments.of(new Geometry(1, 4, 7, 9, 5, 1, 2, 1, 1, 1, true, 5)));      // 1×1 stride 2 padded
        out.add(Arguments.of(new Geometry(1, 200, 24, 23, 330, 1, 1, 0, 1, 1, true, 6))); // pointwise in column chunks (3 of 256, 256, 40)
        out.add(Arguments.of(new Geometry(2, 16, 48, 48, 32, 3, 2, 1, 1, 1, false, 8))); // ELIXR-C's second stage: wide stride-2 rows
        out.add(Arguments.of(new Geometry(1, 3, 9, 101, 4, 3, 2, 1, 1, 1, true, 9)));    // odd width, rows of 51 outputs
        out.add(Arguments.of(new Geometry(6, 16, 24, 24, 32, 3, 2, 1, 1, 1, true, 21))); // a batch: one image per thread
        out.add(Arguments.of(new Geometry(5, 4, 13, 17, 6, 3, 2, 1, 2, 2, true, 22)));   // a batch, grouped, dilated, odd width
        out.add(Arguments.of(new Geometry(4, 3, 11, 9, 5, 5, 1, 2, 1, 1, false, 23)));   // a batch at stride 1
        out.addAll(pointwiseGeometries().map(Arguments::of).toList());
        out.add(Arguments.of(new Geometry(1, 24, 4, 5, 16, 1, 1, 0, 1, 1, true, 45)));   // 1×1 narrower than a GEMM strip: Sgemm
        for (int i = 0; i < 14; i++) {
            int g = 1 + r.nextInt(2), c = g * (1 + r.nextInt(9)), o = g * (1 + r.nextInt(20)), k = 1 + 2 * r.nextInt(3);
            int dil = 1 + r.nextInt(2), h = k * dil + r.nextInt(20), w = k * dil + r.nextInt(20);
            out.add(Arguments.of(new Geometry(1 + r.nextInt(2), c, h, w, o, k, 1 + r.nextInt(2), r.nextInt(k / 2 + 2), dil, g,
                    r.nextBoolean(), r.nextLong())));
        }
        return out.stream();
    }

    static Stream<Arguments> depthwise() {
        SplittableRandom r = new SplittableRandom(37);
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of(new Geometry(2, 8, 16, 16, 8, 3, 1, 1, 1, 8, true, 11)));
        out.add(Arguments.of(new Geometry(1, 5, 19, 23, 5, 5, 2, 2, 1, 5, true, 12)));
        out.add(Arguments.of(new Geometry(1, 3, 33, 35, 3, 5, 1, 2, 1, 3, false, 13)));
        out.add(Arguments.of(new Geometry(1, 4, 9, 40, 4, 3, 2, 1, 1, 4, true, 14)));
        out.add(Arguments.of(new Geometry(3, 1, 96, 96, 16, 3, 2, 1, 1, 1, true, 15)));  // ELIXR-C's stem: 1 → 16 channels
        out.add(Arguments.of(new Geometry(2, 3, 21, 19, 6, 3, 1, 1, 2, 3, false, 16))); // channel multiplier 2, dilated
        out.add(Arguments.of(new Geometry(2, 2, 40, 37, 12, 3, 2, 1, 1, 2, true, 17)));  // multiplier 6: four filters a pass, then two
        // stride 1, no dilation, 3×3 and 5×5 (the column-block path): EfficientNet's planes, OH not a multiple of 4,
        // OH = 4 exactly, padding 0, one vector per row, channel multiplier 2
        out.add(Arguments.of(new Geometry(2, 3, 28, 28, 3, 5, 1, 2, 1, 3, true, 21)));
        out.add(Arguments.of(new Geometry(1, 2, 7, 16, 4, 5, 1, 2, 1, 2, false, 22)));
        out.add(Arguments.of(new Geometry(1, 4, 9, 33, 4, 3, 1, 0, 1, 4, true, 23)));
        out.add(Arguments.of(new Geometry(2, 3, 56, 56, 3, 3, 1, 1, 1, 3, true, 24)));
        out.add(Arguments.of(new Geometry(1, 2, 8, 20, 2, 5, 1, 0, 1, 2, true, 25)));
        out.add(Arguments.of(new Geometry(1, 3, 6, 70, 3, 3, 1, 1, 1, 3, false, 26)));
        // DepthwiseColumns' seven-row blocks with the plane padded row by row as they go: OH = 7 exactly (one vector per
        // row on 16 lanes), an odd plane whose last block is moved back (OH = 13, 19 channels), OH = 6 (too short: the
        // four-vector path), multiplier 2 (the second filter sweeps the plane the first one filled), EfficientNet's
        // 28×28 5×5, padding 0 with OW = 8 (one vector on 8 lanes, the flat path on 16), OW = VL + 1 on both widths
        out.add(Arguments.of(new Geometry(1, 5, 7, 16, 5, 5, 1, 2, 1, 5, true, 27)));
        out.add(Arguments.of(new Geometry(2, 19, 13, 29, 19, 3, 1, 1, 1, 19, true, 28)));
        out.add(Arguments.of(new Geometry(1, 3, 6, 17, 6, 5, 1, 2, 1, 3, false, 29)));
        out.add(Arguments.of(new Geometry(1, 4, 22, 40, 8, 3, 1, 1, 1, 4, true, 30)));
        out.add(Arguments.of(new Geometry(1, 6, 28, 28, 6, 5, 1, 2, 1, 6, true, 32)));
        out.add(Arguments.of(new Geometry(1, 3, 12, 12, 3, 5, 1, 0, 1, 3, true, 33)));
        out.add(Arguments.of(new Geometry(2, 5, 11, 17, 5, 3, 1, 1, 1, 5, false, 34)));
        out.add(Arguments.of(new Geometry(1, 3, 16, 9, 3, 3, 1, 1, 1, 3, true, 35)));
        out.add(Arguments.of(new Geometry(2, 7, 15, 23, 7, 5, 2, 2, 1, 7, true, 31))); // stride 2, odd plane, 7 channels
        // 5×5 rows of OW = 70 (two-vector blocks: three pairs on 16 lanes, the last moved back; five on 8)
        out.add(Arguments.of(new Geometry(1, 2, 9, 70, 2, 5, 1, 2, 1, 2, true, 36)));
        // rows narrower than a vector, one masked vector per row: EfficientNet's 14×14 5×5 and OW = 13, 12 (multiplier 2)
        // on 16 lanes, OW = 7, 6 on 8 lanes, OW = 3 on 4 (each the flat path on wider vectors)
        out.add(Arguments.of(new Geometry(1, 4, 14, 14, 4, 5, 1, 2, 1, 4, true, 36)));
        out.add(Arguments.of(new Geometry(2, 3, 10, 13, 3, 3, 1, 1, 1, 3, false, 37)));
        out.add(Arguments.of(new Geometry(1, 2, 11, 12, 4, 5, 1, 2, 1, 2, true, 38)));
        out.add(Arguments.of(new Geometry(1, 5, 9, 7, 5, 3, 1, 1, 1, 5, true, 39)));
        out.add(Arguments.of(new Geometry(1, 3, 8, 6, 3, 3, 1, 1, 1, 3, true, 40)));
        out.add(Arguments.of(new Geometry(1, 3, 9, 3, 3, 3, 1, 1, 1, 3, false, 41)));
        for (int i = 0; i < 18; i++) {
            int c = 1 + r.nextInt(6), m = i < 6 ? 1 : 1 + r.nextInt(5), k = r.nextBoolean() ? 3 : 5, dil = 1 + r.nextInt(2);
            int h = k * dil + r.nextInt(30), w = k * dil + r.nextInt(40);
            out.add(Arguments.of(new Geometry(1 + r.nextInt(3), c, h, w, c * m, k, 1 + r.nextInt(2), r.nextInt(k), dil, c,
                    r.nextBoolean(), r.nextLong())));
        }
        return out.stream();
    }

    /**
     * 1×1 convolutions for {@link PointwiseConv}: EfficientNet's 7×7 and 14×14 stages (rows of W split across threads;
     * widths not a multiple of a strip), output channels not a multiple of MR, a wide plane in column chunks, a grouped
     * batch.
     */
    static Stream<Geometry> pointwiseGeometries() {
        return Stream.of(new Geometry(1, 192, 7, 7, 1152, 1, 1, 0, 1, 1, true, 41),
                new Geometry(1, 120, 14, 14, 130, 1, 1, 0, 1, 1, false, 42),
                new Geometry(1, 40, 56, 57, 84, 1, 1, 0, 1, 1, true, 43),
                new Geometry(2, 32, 8, 9, 48, 1, 1, 0, 1, 2, true, 44));
    }

    /** {@link PointwiseConv} with gate and epilogue against its plain loop, on one and two threads (the same bits on both). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pointwiseGeometries")
    void pointwiseMatchesPlainLoopAndGivesTheSameBitsOnOneAndTwoThreads(Geometry g) {
        SplittableRandom r = new SplittableRandom(g.seed());
        int hw = g.h() * g.w(), cg = g.c() / g.groups(), og = g.o() / g.groups();
        float[] x = random(r, 3 + g.c() * hw), w = random(r, 2 + og * cg), gate = random(r, 5 + cg);
        var ep = new ConvEpilogue(random(r, 1 + og), 1, random(r, 4 + og), 4, UnaryOp.SILU);
        float[] plain = new float[og * hw];
        PointwiseConv.conv2dPlain(w, 2, og, cg, x, 3, hw, gate, 5, plain, 0, ep, 0);
        float[][] fast = new float[2][og * hw];
        int before = dev.elixr.tensor.Parallel.threads();
        try {
            for (int t = 1; t <= 2; t++) {
                dev.elixr.tensor.Parallel.setThreads(t);
                java.util.Arrays.fill(fast[t - 1], Float.NaN);
                PointwiseConv.conv2d(w, 2, og, cg, x, 3, hw, gate, 5, fast[t - 1], 0, ep, 0);
            }
        } finally {
            dev.elixr.tensor.Parallel.setThreads(before);
        }
        for (int i = 0; i < plain.length; i++) {
            if (Float.floatToRawIntBits(fast[0][i]) != Float.floatToRawIntBits(fast[1][i]))
                throw new AssertionError(g + " at " + i + ": 1 thread " + fast[0][i] + ", 2 threads " + fast[1][i]);
            // the same float products and FMA chain; only the epilogue's scale-and-shift differs (float FMA against double)
            if (!(Math.abs(fast[0][i] - plain[i]) <= 1e-6f * (1 + Math.abs(plain[i]))))
                throw new AssertionError(g + " at " + i + ": fast " + fast[0][i] + ", plain " + plain[i]);
        }
    }

    /**
     * Nothing of the weights is kept between calls: a weight written in place (an optimiser step, a load into the same
     * array) changes the very next output, on the narrow (rows split) and the chunked path alike.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pointwiseGeometries")
    void pointwiseSeesAWeightWrittenInPlaceBetweenCalls(Geometry g) {
        SplittableRandom r = new SplittableRandom(g.seed() + 1);
        int hw = g.h() * g.w(), cg = g.c() / g.groups(), og = g.o() / g.groups();
        float[] x = random(r, cg * hw), w = random(r, og * cg), before = new float[og * hw], after = new float[og * hw], plain = new float[og * hw];
        var ep = new ConvEpilogue(null, 0, null, 0, null);
        PointwiseConv.conv2d(w, 0, og, cg, x, 0, hw, null, 0, before, 0, ep, 0);
        int row = og - 1;
        for (int c = 0; c < cg; c++) w[row * cg + c] += 1f; // the last output channel's weights, in place
        PointwiseConv.conv2d(w, 0, og, cg, x, 0, hw, null, 0, after, 0, ep, 0);
        PointwiseConv.conv2dPlain(w, 0, og, cg, x, 0, hw, null, 0, plain, 0, ep, 0);
        for (int i = 0; i < after.length; i++) {
            if (Float.floatToRawIntBits(after[i]) != Float.floatToRawIntBits(plain[i]))
                throw new AssertionError(g + " at " + i + ": after the write " + after[i] + ", plain loop on the new weights " + plain[i]);
            if (i / hw == row && after[i] == before[i] && Math.abs(sumColumn(x, cg, hw, i % hw)) > 1e-3)
                throw new AssertionError(g + " at " + i + ": output unchanged after its weights changed");
        }
    }

    private static double sumColumn(float[] x, int cg, int hw, int j) {
        double s = 0;
        for (int c = 0; c < cg; c++) s += x[c * hw + j];
        return s;
    }

    static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-1, 1);
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dense")
    void denseMatchesDirectFloat64(Geometry g) {
        check(g, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dense")
    void denseGivesTheSameBitsOnOneAndTwoThreads(Geometry g) {
        assertSameBitsOnOneAndTwoThreads(g, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("depthwise")
    void depthwiseMatchesDirectFloat64(Geometry g) {
        check(g, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("depthwise")
    void depthwiseGivesTheSameBitsOnOneAndTwoThreads(Geometry g) {
        assertSameBitsOnOneAndTwoThreads(g, true);
    }

    /**
     * DepthwiseColumns' two 3×3 block shapes (four rows with the nine weights in registers, the 16-register choice;
     * seven rows, the 32-register one) on whatever machine runs the test: each within the float64 bound and bit for
     * bit the same on one and two threads.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depthwise")
    void depthwiseThreeByThreeBlocksOfFourAndSevenRowsMatchFloat64AndGiveTheSameBitsOnOneAndTwoThreads(Geometry g) {
        int before = DepthwiseColumns.rows3;
        try {
            for (int rows : new int[] {4, 7}) {
                DepthwiseColumns.rows3 = rows;
                check(g, true);
                assertSameBitsOnOneAndTwoThreads(g, true);
            }
        } finally {
            DepthwiseColumns.rows3 = before;
        }
    }

    /**
     * DepthwiseColumns' two 5×KW block shapes (seven rows × one vector, the 16-register choice; seven rows × two vectors,
     * the 32-register one) on whatever machine runs the test: each within the float64 bound, the same bits on one and
     * two threads, and the same bits as each other (both sum kx by kx, ky within).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depthwise")
    void depthwiseFiveByFiveBlocksOfOneAndTwoVectorsMatchFloat64AndEachOtherBitForBit(Geometry g) {
        int before = DepthwiseColumns.vectors5;
        try {
            float[][] outs = new float[2][];
            for (int v = 1; v <= 2; v++) {
                DepthwiseColumns.vectors5 = v;
                check(g, true);
                assertSameBitsOnOneAndTwoThreads(g, true);
                outs[v - 1] = convolve(g, true);
            }
            for (int i = 0; i < outs[0].length; i++)
                if (Float.floatToRawIntBits(outs[0][i]) != Float.floatToRawIntBits(outs[1][i]))
                    throw new AssertionError(g + " at " + i + ": one vector " + outs[0][i] + ", two vectors " + outs[1][i]);
        } finally {
            DepthwiseColumns.vectors5 = before;
        }
    }

    @Test
    void depthwiseVectorsOfAFiveByFiveBlockFollowTheRegisterCountOrTheProperty() {
        assertEquals(1, DepthwiseColumns.vectors5(null, 16));
        assertEquals(2, DepthwiseColumns.vectors5(null, 32));
        assertEquals(2, DepthwiseColumns.vectors5(" 2", 16));
        assertEquals(1, DepthwiseColumns.vectors5("1", 32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DepthwiseColumns.vectors5("3", 32));
        assertTrue(e.getMessage().contains("elixr.depthwise.vectors5"), e.getMessage());
    }

    @Test
    void depthwiseRowsOfAThreeByThreeBlockFollowTheRegisterCountOrTheProperty() {
        assertEquals(4, DepthwiseColumns.rows3(null, 16));
        assertEquals(7, DepthwiseColumns.rows3(null, 32));
        assertEquals(7, DepthwiseColumns.rows3(" 7", 16));
        assertEquals(4, DepthwiseColumns.rows3("4", 32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DepthwiseColumns.rows3("5", 16));
        assertTrue(e.getMessage().contains("elixr.depthwise.rows3"), e.getMessage());
    }

    /** g's seeded convolution on the current thread count. */
    private static float[] convolve(Geometry g, boolean depthwise) {
        SplittableRandom r = new SplittableRandom(g.seed());
        float[] x = random(r, g.n() * g.c() * g.h() * g.w());
        float[] w = random(r, g.o() * (depthwise ? 1 : g.c() / g.groups()) * g.k() * g.k());
        float[] b = g.bias() ? random(r, g.o()) : null;
        int oh = Conv2dParams.outSize(g.h(), g.k(), g.stride(), g.pad(), g.dil());
        int ow = Conv2dParams.outSize(g.w(), g.k(), g.stride(), g.pad(), g.dil());
        float[] out = new float[g.n() * g.o() * oh * ow];
        if (depthwise) DepthwiseConv.conv2d(x, 0, g.n(), g.c(), g.h(), g.w(), w, 0, g.o(), g.k(), g.k(), b, 0, g.params(), out, 0);
        else Conv2dKernel.conv2d(x, 0, g.n(), g.c(), g.h(), g.w(), w, 0, g.o(), g.k(), g.k(), b, 0, g.params(), out, 0);
        return out;
    }

    /** The convolution (Conv2dKernel, or DepthwiseConv when depthwise) of g's seeded inputs on 1 and on 2 threads: bit for bit equal. */
    private static void assertSameBitsOnOneAndTwoThreads(Geometry g, boolean depthwise) {
        float[][] outs = new float[2][];
        int before = dev.elixr.tensor.Parallel.threads();
        try {
            for (int t = 1; t <= 2; t++) {
                dev.elixr.tensor.Parallel.setThreads(t);
                outs[t - 1] = convolve(g, depthwise);
            }
        } finally {
            dev.elixr.tensor.Parallel.setThreads(before);
        }
        for (int i = 0; i < outs[0].length; i++)
            if (Float.floatToRawIntBits(outs[0][i]) != Float.floatToRawIntBits(outs[1][i]))
                throw new AssertionError(g + " at " + i + ": 1 thread " + outs[0][i] + ", 2 threads " + outs[1][i]);
    }

    /** The vectorised depthwise kernel against the plain loop it replaced, on the same float inputs. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depthwise")
    void depthwiseMatchesPlainLoop(Geometry g) {
        SplittableRandom r = new SplittableRandom(g.seed() ^ 0x5DEECE66DL);
        float[] x = random(r, 3 + g.n() * g.c() * g.h() * g.w()), w = random(r, 2 + g.o() * g.k() * g.k());
        float[] b = g.bias() ? random(r, 1 + g.o()) : null;
        int oh = Conv2dParams.outSize(g.h(), g.k(), g.stride(), g.pad(), g.dil());
        int ow = Conv2dParams.outSize(g.w(), g.k(), g.stride(), g.pad(), g.dil());
        float[] fast = new float[g.n() * g.o() * oh * ow], plain = new float[fast.length];
        java.util.Arrays.fill(fast, Float.NaN);
        DepthwiseConv.conv2d(x, 3, g.n(), g.c(), g.h(), g.w(), w, 2, g.o(), g.k(), g.k(), b, 1, g.params(), fast, 0);
        DepthwiseConv.conv2dPlain(x, 3, g.n(), g.c(), g.h(), g.w(), w, 2, g.o(), g.k(), g.k(), b, 1, g.params(), plain, 0);
        for (int i = 0; i < fast.length; i++)
            if (!(Math.abs(fast[i] - plain[i]) <= 1e-5f * (1 + Math.abs(plain[i])))) // float sums of ≤ 25 products of |·| < 1, two orders
                throw new AssertionError(g + " at flat " + i + ": fast " + fast[i] + ", plain " + plain[i]);
    }

    /** The activations the epilogue fuses in registers (SiLU, sigmoid, ReLU), one it applies in a second pass (tanh), none. */
    static UnaryOp activation(long seed) {
        UnaryOp[] acts = {UnaryOp.SILU, UnaryOp.SIGMOID, UnaryOp.RELU, UnaryOp.TANH, null};
        return acts[(int) Math.floorMod(seed, (long) acts.length)];
    }

    /**
     * Depthwise with a folded batch norm and an activation on the way out against the plain loop followed by the
     * epilogue's plain twin, on the same float inputs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("depthwise")
    void depthwiseWithEpilogueMatchesPlainLoopThenEpilogue(Geometry g) {
        SplittableRandom r = new SplittableRandom(g.seed() ^ 0x2545F4914F6CDD1DL);
        float[] x = random(r, 3 + g.n() * g.c() * g.h() * g.w()), w = random(r, 2 + g.o() * g.k() * g.k());
        var ep = new ConvEpilogue(random(r, 1 + g.o()), 1, random(r, 4 + g.o()), 4, activation(g.seed()));
        int oh = Conv2dParams.outSize(g.h(), g.k(), g.stride(), g.pad(), g.dil());
        int ow = Conv2dParams.outSize(g.w(), g.k(), g.stride(), g.pad(), g.dil());
        float[] fast = new float[2 + g.n() * g.o() * oh * ow], plain = new float[fast.length];
        java.util.Arrays.fill(fast, Float.NaN);
        DepthwiseConv.conv2d(x, 3, g.n(), g.c(), g.h(), g.w(), w, 2, g.o(), g.k(), g.k(), ep, g.params(), fast, 2);
        DepthwiseConv.conv2dPlain(x, 3, g.n(), g.c(), g.h(), g.w(), w, 2, g.o(), g.k(), g.k(), null, 0, g.params(), plain, 2);
        for (int i = 2; i < fast.length; i++) {
            float want = ep.applyPlain(plain[i], (i - 2) / (oh * ow) % g.o());
            if (!(Math.abs(fast[i] - want) <= 2e-5f * (1 + Math.abs(want))))
                throw new AssertionError(g + " " + ep.act() + " at flat " + i + ": fast " + fast[i] + ", plain then epilogue " + want);
        }
    }

    /** Dense convolutions with a per-image input gate and a folded batch norm + activation against float64 sums. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dense")
    void denseWithGateAndEpilogueMatchesDirectFloat64(Geometry g) {
        SplittableRandom r = new SplittableRandom(g.seed() ^ 0x9E3779B97F4A7C15L);
        int cg = g.c() / g.groups(), og = g.o() / g.groups(), k = g.k();
        float[] x = random(r, 3 + g.n() * g.c() * g.h() * g.w()), w = random(r, 2 + g.o() * cg * k * k);
        float[] gate = random(r, 5 + g.n() * g.c());
        var ep = new ConvEpilogue(random(r, 1 + g.o()), 1, random(r, 4 + g.o()), 4, activation(g.seed()));
        int oh = Conv2dParams.outSize(g.h(), k, g.stride(), g.pad(), g.dil()), ow = Conv2dParams.outSize(g.w(), k, g.stride(), g.pad(), g.dil());
        float[] out = new float[g.n() * g.o() * oh * ow];
        java.util.Arrays.fill(out, Float.NaN);
        Conv2dKernel.conv2d(x, 3, g.n(), g.c(), g.h(), g.w(), w, 2, g.o(), k, k, gate, 5, ep, g.params(), out, 0);
        for (int ni = 0; ni < g.n(); ni++)
            for (int oc = 0; oc < g.o(); oc++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double s = 0, abs = 0;
                        int grp = oc / og;
                        for (int ci = 0; ci < cg; ci++)
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy * g.stride() - g.pad() + ky * g.dil(), ix = ox * g.stride() - g.pad() + kx * g.dil();
                                    if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) continue;
                                    int c = grp * cg + ci;
                                    double t = (double) x[3 + ((ni * g.c() + c) * g.h() + iy) * g.w() + ix] * gate[5 + ni * g.c() + c]
                                            * w[2 + ((oc * cg + ci) * k + ky) * k + kx];
                                    s += t;
                                    abs += Math.abs(t);
                                }
                        float want = ep.applyPlain(s, oc), got = out[((ni * g.o() + oc) * oh + oy) * ow + ox];
                        // the epilogue's slopes are below 1 in magnitude for these activations, times |scale| < 1
                        if (!(Math.abs(want - got) <= 2e-5 * abs + 2e-6 * (1 + Math.abs(want))))
                            throw new AssertionError(g + " " + ep.act() + " at (" + ni + "," + oc + "," + oy + "," + ox + "): " + got + ", expected " + want);
                    }
    }

    private static void check(Geometry g, boolean depthwise) {
        SplittableRandom r = new SplittableRandom(g.seed());
        int cg = g.c() / g.groups(), og = g.o() / g.groups();
        float[] x = random(r, 3 + g.n() * g.c() * g.h() * g.w()), w = random(r, 2 + g.o() * cg * g.k() * g.k());
        float[] b = g.bias() ? random(r, 1 + g.o()) : null;
        int oh = Conv2dParams.outSize(g.h(), g.k(), g.stride(), g.pad(), g.dil());
        int ow = Conv2dParams.outSize(g.w(), g.k(), g.stride(), g.pad(), g.dil());
        float[] out = new float[g.n() * g.o() * oh * ow];
        java.util.Arrays.fill(out, Float.NaN); // the kernels overwrite
        if (depthwise) DepthwiseConv.conv2d(x, 3, g.n(), g.c(), g.h(), g.w(), w, 2, g.o(), g.k(), g.k(), b, 1, g.params(), out, 0);
        else Conv2dKernel.conv2d(x, 3, g.n(), g.c(), g.h(), g.w(), w, 2, g.o(), g.k(), g.k(), b, 1, g.params(), out, 0);
        for (int ni = 0; ni < g.n(); ni++)
            for (int oc = 0; oc < g.o(); oc++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double s = b == null ? 0 : b[1 + oc], abs = Math.abs(s);
                        int grp = oc / og;
                        for (int ci = 0; ci < cg; ci++)
                            for (int ky = 0; ky < g.k(); ky++)
                                for (int kx = 0; kx < g.k(); kx++) {
                                    int iy = oy * g.stride() - g.pad() + ky * g.dil(), ix = ox * g.stride() - g.pad() + kx * g.dil();
                                    if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) continue;
                                    double t = (double) x[3 + ((ni * g.c() + grp * cg + ci) * g.h() + iy) * g.w() + ix]
                                            * w[2 + ((oc * cg + ci) * g.k() + ky) * g.k() + kx];
                                    s += t;
                                    abs += Math.abs(t);
                                }
                        float got = out[((ni * g.o() + oc) * oh + oy) * ow + ox];
                        if (Math.abs(s - got) > 1e-5 * abs + 1e-6)
                            throw new AssertionError(g + " at (" + ni + "," + oc + "," + oy + "," + ox + "): " + got + ", expected " + s);
                    }
    }
}
