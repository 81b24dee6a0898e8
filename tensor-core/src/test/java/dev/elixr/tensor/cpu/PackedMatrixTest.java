package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.cpu.SgemmTest.Case;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PackedMatrix}: a product with op(B) packed beforehand gives the bits of the same product packing B itself, for
 * every tile and loop order, on 1 and 2 threads, on every path the general entry takes (one row, one column, tiny,
 * {@link SgemmDot}'s dot products); and the unpacked product is itself held to the float64 reference by {@link SgemmTest}.
 */
class PackedMatrixTest {

    static Stream<Arguments> everyTile() { return SgemmTest.everyTile(); }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyTile")
    void everyTileGivesTheBitsOfTheUnpackedProductInEveryLoopOrder(String tile, Case t) {
        for (GemmPlan p : SgemmTest.loopOrders(MicroKernel.named(tile)))
            for (int threads = 1; threads <= 2; threads++) assertSameBits(p, t, threads);
    }

    static Stream<Arguments> cases() { return SgemmTest.cases(); }

    /** This machine's plan on SgemmTest's shapes: one row and one column (matrix–vector), tiny products, several K blocks. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void thisMachinesPlanGivesTheBitsOfTheUnpackedProductOnEveryPath(Case t) {
        for (int threads = 1; threads <= 2; threads++) assertSameBits(Sgemm.PLAN, t, threads);
    }

    /** Products the general entry sends to SgemmDot (A·Bᵀ, N ≤ NR/2, K ≥ 1024) read B's source there too. */
    @Test
    void dotProductShapesGiveTheBitsOfTheUnpackedProduct() {
        int half = Sgemm.PLAN.nr() / 2;
        for (Case t : new Case[] {new Case(false, true, 16, half, 1100, 1f, 0f, 0, 3), new Case(false, true, 40, 3, 2048, 0.5f, 1f, 1, 4)})
            for (int threads = 1; threads <= 2; threads++) assertSameBits(Sgemm.PLAN, t, threads);
    }

    /** A product large enough for both threads (N split into column ranges, K over several blocks) and for M split into rows. */
    @Test
    void largerProductsGiveTheSameBitsOnOneAndTwoThreadsAsUnpacked() {
        int old = Parallel.threads();
        try {
            Parallel.setThreads(2);
            for (Case t : new Case[] {new Case(false, true, 203, 517, 700, 1f, 0f, 0, 5), new Case(true, false, 197, 300, 768, 1f, 1f, 2, 6),
                    new Case(false, true, 900, 40, 600, 1f, 0f, 1, 7)})
                for (int threads = 1; threads <= 2; threads++) assertSameBits(Sgemm.PLAN, t, threads);
        } finally {
            Parallel.setThreads(old);
        }
    }

    /** B in native memory (a mapped weight): packed from the segment, the same bits as the unpacked product on it. */
    @Test
    void bInNativeMemoryGivesTheBitsOfTheUnpackedProduct() {
        SplittableRandom r = new SplittableRandom(11);
        int m = 70, n = 150, k = 300;
        float[] a = SgemmTest.random(r, m * k), b = SgemmTest.random(r, n * k);
        try (Arena arena = Arena.ofShared()) { // shared: the product reads it from both threads
            MemorySegment bs = arena.allocate((long) b.length * 4, 64);
            MemorySegment.copy(b, 0, bs, ValueLayout.JAVA_FLOAT, 0, b.length);
            float[] c1 = new float[m * n], c2 = new float[m * n];
            Sgemm.sgemm(false, true, m, n, k, 1f, MemorySegment.ofArray(a), 0, k, bs, 0, k, 0f, c1, 0, n, 2);
            Sgemm.sgemm(false, m, 1f, MemorySegment.ofArray(a), 0, k, PackedMatrix.of(true, k, n, bs, 0, k), 0f, c2, 0, n, 2);
            assertBitsEqual(c1, c2, "B in native memory");
        }
    }

    /** The packing reads its source once: a later write to the source does not reach products with the packing. */
    @Test
    void aPackingIsASnapshotOfItsSource() {
        SplittableRandom r = new SplittableRandom(12);
        int m = 40, n = 70, k = 90;
        float[] a = SgemmTest.random(r, m * k), b = SgemmTest.random(r, k * n), before = b.clone();
        PackedMatrix packed = PackedMatrix.of(false, k, n, MemorySegment.ofArray(b), 0, n);
        java.util.Arrays.fill(b, 7f);
        float[] c1 = new float[m * n], c2 = new float[m * n];
        Sgemm.sgemm(false, false, m, n, k, 1f, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(before), 0, n, 0f, c1, 0, n, 1);
        Sgemm.sgemm(false, m, 1f, MemorySegment.ofArray(a), 0, k, packed, 0f, c2, 0, n, 1);
        assertBitsEqual(c1, c2, "the packing's values are the source's when it was packed");
    }

    /**
     * The tensor form: x [2, 50, in] times wᵀ of a [out, in] weight and times a row-major [in, out] matrix, as MatMul gives
     * on x's rows as one [100, in] matrix (as a linear layer flattens them; MatMul on the 3-D x would run two products of 50
     * rows, whose last partial tile of rows sums its second K block apart and rounds differently).
     */
    @Test
    void timesGivesTheBitsOfMatMulOnTheSourceTensor() {
        SplittableRandom r = new SplittableRandom(13);
        int in = 300, out = 170;
        dev.elixr.tensor.Tensor x = dev.elixr.tensor.Tensor.wrap(SgemmTest.random(r, 2 * 50 * in), 2, 50, in);
        dev.elixr.tensor.Tensor w = dev.elixr.tensor.Tensor.wrap(SgemmTest.random(r, out * in), out, in);
        dev.elixr.tensor.Tensor rowMajor = w.t().contiguous();
        for (dev.elixr.tensor.Tensor b : new dev.elixr.tensor.Tensor[] {w.t(), rowMajor}) {
            PackedMatrix p = PackedMatrix.of(b);
            assertEquals(in, p.k());
            assertEquals(out, p.n());
            dev.elixr.tensor.Tensor expected = dev.elixr.tensor.ops.MatMul.matmul(x.reshape(-1, in), b).view(2, 50, out), actual = p.times(x);
            assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()));
            assertBitsEqual(expected.toFloatArray(), actual.toFloatArray(), "x·" + (b == rowMajor ? "B" : "wᵀ"));
        }
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> PackedMatrix.of(w.t()).times(w.t()));
        assertTrue(k.getMessage().contains("K = 300"), k.getMessage());
    }

    @Test
    void badShapesGiveClearErrors() {
        MemorySegment b = MemorySegment.ofArray(new float[12]);
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> PackedMatrix.of(false, 0, 4, b, 0, 4));
        assertTrue(empty.getMessage().contains("0x4"), empty.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> PackedMatrix.of(false, 4, 4, b, 0, 4));
        assertTrue(small.getMessage().contains("B of 4x4") && small.getMessage().contains("12"), small.getMessage());
        IllegalArgumentException ld = assertThrows(IllegalArgumentException.class, () -> PackedMatrix.of(true, 3, 4, b, 0, 2));
        assertTrue(ld.getMessage().contains("leading dimension of B is 2"), ld.getMessage());
        PackedMatrix p = PackedMatrix.of(false, 3, 4, b, 0, 4);
        assertEquals(3, p.k());
        assertEquals(4, p.n());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemm(false, 20, 1f, MemorySegment.ofArray(new float[60]), 0, 3, p, 0f, new float[40], 0, 4, 1));
        assertTrue(c.getMessage().contains("C of 20x4"), c.getMessage());
    }

    private static void assertSameBits(GemmPlan plan, Case t, int threads) {
        SplittableRandom r = new SplittableRandom(t.seed());
        int aRows = t.tA() ? t.k() : t.m(), aCols = t.tA() ? t.m() : t.k();
        int bRows = t.tB() ? t.n() : t.k(), bCols = t.tB() ? t.k() : t.n();
        int lda = aCols + t.pad(), ldb = bCols + 2 * t.pad(), ldc = t.n() + 3 * t.pad();
        int aOff = t.pad(), bOff = 2 * t.pad(), cOff = 5 * t.pad();
        float[] a = SgemmTest.random(r, aOff + aRows * lda), b = SgemmTest.random(r, bOff + bRows * ldb);
        float[] c0 = SgemmTest.random(r, cOff + t.m() * ldc + t.pad());
        if (t.beta() == 0f) c0[cOff] = Float.NaN; // beta 0 never reads C
        float[] unpacked = c0.clone(), packed = c0.clone();
        Sgemm.sgemm(plan, t.tA(), t.tB(), t.m(), t.n(), t.k(), t.alpha(), MemorySegment.ofArray(a), aOff, lda,
                MemorySegment.ofArray(b), bOff, ldb, t.beta(), unpacked, cOff, ldc, threads);
        PackedMatrix pb = PackedMatrix.of(plan, t.tB(), t.k(), t.n(), MemorySegment.ofArray(b), bOff, ldb);
        Sgemm.sgemm(t.tA(), t.m(), t.alpha(), MemorySegment.ofArray(a), aOff, lda, pb, t.beta(), packed, cOff, ldc, threads);
        assertBitsEqual(unpacked, packed, t + " on " + threads + " thread(s), tile " + plan.kernel().name());
    }

    private static void assertBitsEqual(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++)
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i]))
                throw new AssertionError(what + ": element " + i + " unpacked " + expected[i] + ", packed " + actual[i]);
    }
}
