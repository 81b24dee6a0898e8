package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PhaseInputGradient} on {@link PhasePlanesTest}'s stride-2 geometries (groups 1: kernels 1 to 5, square and
 * not, padding 0 to 3, odd sizes, rows and columns no tap reads, a 1×1 kernel whose odd phases get no tap) and on
 * batches of ELIXR-C's tower: dx within float accumulation error of the float64 reference, every float written (the
 * output starts as NaN), and the same bits on one and two threads and with the channels in blocks.
 */
class PhaseInputGradientTest {
    static Stream<ImplicitConvTest.Geometry> geometries() {
        return Stream.concat(PhaseCol2imTest.geometries(), Stream.of(
                new ImplicitConvTest.Geometry(5, 16, 48, 48, 32, 3, 3, 2, 2, 1, 1, 1, 1, 21),   // ELIXR-C's second stage, a batch
                new ImplicitConvTest.Geometry(3, 64, 12, 12, 96, 3, 3, 2, 2, 1, 1, 1, 1, 22),   // its last: K = 4·96 in two blocks
                new ImplicitConvTest.Geometry(2, 11, 17, 23, 7, 5, 4, 2, 2, 2, 1, 1, 1, 23)));  // channels no multiple of MR
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void matchesTheFloat64ReferenceWritesEveryFloatAndGivesTheSameBitsOnOneAndTwoThreads(ImplicitConvTest.Geometry g) {
        ConvGeometry q = ConvGeometry.of(new int[] {g.n(), g.c(), g.h(), g.w()}, g.kh(), g.kw(), g.params());
        assertTrue(PhaseInputGradient.suits(q), g + " is taken");
        SplittableRandom r = new SplittableRandom(g.seed());
        float[] w = ImplicitConvTest.random(r, 3 + g.o() * g.c() * g.kh() * g.kw()), gr = ImplicitConvTest.random(r, 2 + g.n() * g.o() * q.l());
        float[] one = run(q, g.o(), gr, w, 1), two = run(q, g.o(), gr, w, 2);
        for (int i = 0; i < one.length; i++)
            if (Float.floatToRawIntBits(one[i]) != Float.floatToRawIntBits(two[i]))
                throw new AssertionError(g + " at dx flat " + i + ": 1 thread " + one[i] + ", 2 threads " + two[i]);
        int[] xShape = {g.n(), g.c(), g.h(), g.w()};
        Tensor gt = Tensor.of(Arrays.copyOfRange(gr, 2, gr.length), g.n(), g.o(), q.oh(), q.ow());
        Tensor wt = Tensor.of(Arrays.copyOfRange(w, 3, w.length), g.o(), g.c(), g.kh(), g.kw());
        Tensor want = dev.elixr.tensor.reference.Conv.conv2dBackwardInput(gt, wt, xShape, g.params());
        // sums of at most O·KH·KW products of values in (−1, 1): float FMA chains err by ≈ 1e-7 of the sum of magnitudes
        double atol = 2e-7 * g.o() * g.kh() * g.kw() + 1e-6;
        Close.assertClose(want, Tensor.of(Arrays.copyOfRange(one, 1, one.length), xShape), atol, 1e-5, "dx " + g);
    }

    /** Channels in blocks of one MR tile each (the smallest plane budget) give the bits of one block for all. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void channelBlocksOfOneTileGiveTheBitsOfOneBlock(ImplicitConvTest.Geometry g) {
        ConvGeometry q = ConvGeometry.of(new int[] {g.n(), g.c(), g.h(), g.w()}, g.kh(), g.kw(), g.params());
        SplittableRandom r = new SplittableRandom(g.seed() + 7);
        float[] w = ImplicitConvTest.random(r, g.o() * g.c() * g.kh() * g.kw()), gr = ImplicitConvTest.random(r, g.n() * g.o() * q.l());
        float[] whole = new float[g.n() * g.c() * g.h() * g.w()], blocks = new float[whole.length];
        java.util.Arrays.fill(blocks, Float.NaN);
        PhaseInputGradient.compute(gr, 0, w, 0, q, g.o(), whole, 0, Integer.MAX_VALUE);
        PhaseInputGradient.compute(gr, 0, w, 0, q, g.o(), blocks, 0, 1);
        for (int i = 0; i < whole.length; i++)
            if (Float.floatToRawIntBits(whole[i]) != Float.floatToRawIntBits(blocks[i]))
                throw new AssertionError(g + " at dx flat " + i + ": one block " + whole[i] + ", blocks of one tile " + blocks[i]);
    }

    /** dx at out[1 …] (out[0] a guard that must stay 7), every other float NaN before the call. */
    private static float[] run(ConvGeometry q, int o, float[] g, float[] w, int threads) {
        float[] out = new float[1 + q.n() * q.c() * q.h() * q.w()];
        Arrays.fill(out, Float.NaN);
        out[0] = 7f;
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            PhaseInputGradient.compute(g, 2, w, 3, q, o, out, 1);
        } finally {
            Parallel.setThreads(before);
        }
        if (out[0] != 7f) throw new AssertionError("wrote before dx: " + out[0]);
        for (int i = 1; i < out.length; i++)
            if (Float.isNaN(out[i])) throw new AssertionError("dx flat " + (i - 1) + " not written (" + threads + " thread(s))");
        return out;
    }
}
