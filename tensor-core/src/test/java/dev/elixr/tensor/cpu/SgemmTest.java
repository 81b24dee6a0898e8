package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Sgemm} against a float64 triple loop, on random shapes, transposes, offsets and leading dimensions (run once per vector width by the build). */
class SgemmTest {
    record Case(boolean tA, boolean tB, int m, int n, int k, float alpha, float beta, int pad, long seed) {
        @Override public String toString() {
            return (tA ? "T" : "N") + (tB ? "T" : "N") + " " + m + "x" + k + "x" + n + " a=" + alpha + " b=" + beta + " pad=" + pad;
        }
    }

    static Stream<Arguments> cases() {
        SplittableRandom r = new SplittableRandom(20261127);
        List<Arguments> out = new ArrayList<>();
        int[][] fixed = {{1, 1, 1}, {1, 77, 33}, {77, 1, 33}, {1, 300, 517}, {300, 1, 517}, {8, 32, 256},
                {9, 33, 257}, {64, 64, 64}, {197, 70, 300}, {250, 130, 40}, {3, 5, 7}, {17, 200, 3}, {40, 40, 600},
                {1, 1, 5000}, {1, 1, 4099}}; // the last two: dot products past TINY (Gemv)
        for (int[] f : fixed)
            for (int t = 0; t < 4; t++)
                out.add(Arguments.of(new Case((t & 1) != 0, (t & 2) != 0, f[0], f[1], f[2], 1f, 0f, t, r.nextLong())));
        for (int i = 0; i < 40; i++) {
            int m = 1 + r.nextInt(r.nextBoolean() ? 20 : 270), n = 1 + r.nextInt(r.nextBoolean() ? 20 : 270), k = 1 + r.nextInt(r.nextBoolean() ? 30 : 600);
            float alpha = r.nextBoolean() ? 1f : (float) r.nextDouble(-2, 2);
            float beta = switch (r.nextInt(3)) { case 0 -> 0f; case 1 -> 1f; default -> (float) r.nextDouble(-2, 2); };
            out.add(Arguments.of(new Case(r.nextBoolean(), r.nextBoolean(), m, n, k, alpha, beta, r.nextInt(4), r.nextLong())));
        }
        return out.stream();
    }

    /**
     * Sizes on either side of the micro-tile (MR, NR), of the 8-row transpose blocks and vector length of the packers
     * (8, VL) and of a K block (KC), for all four transposes, cycling through alpha, beta and padding.
     */
    static Stream<Arguments> boundaries() {
        SplittableRandom r = new SplittableRandom(20261128);
        List<Arguments> out = new ArrayList<>();
        int vl = Sgemm.VL, mr = Sgemm.PLAN.mr(), nr = Sgemm.PLAN.nr();
        float[][] ab = {{1f, 0f}, {-0.5f, 1f}, {1.5f, -0.75f}};
        int i = 0;
        for (int m : new int[] {mr - 1, mr + 1, 2 * mr + 1})
            for (int n : new int[] {9, nr, nr + 9})
                for (int k : new int[] {vl + 1, Sgemm.PLAN.kc() + 1})
                    for (int t = 0; t < 4; t++, i++)
                        out.add(Arguments.of(new Case((t & 1) != 0, (t & 2) != 0, m, n, k, ab[i % 3][0], ab[i % 3][1], i % 4, r.nextLong())));
        return out.stream();
    }

    /**
     * Shapes of the inner-product path ({@link SgemmDot}: A·Bᵀ, N ≤ NR/2, K ≥ 1024): edge tiles (M, N not multiples
     * of 4), K not a multiple of VL nor of the K block, several K blocks; the other transposes of the same shapes
     * take the packed path.
     */
    static Stream<Arguments> innerProduct() {
        SplittableRandom r = new SplittableRandom(9);
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{16, 9, 1500}, {5, 3, 2051}, {2, 2, SgemmDot.MIN_K}, {17, Sgemm.PLAN.nr() / 2, 3 * 1024 + Sgemm.VL - 1}, {9, 7, 4096}};
        float[][] ab = {{1f, 0f}, {-0.5f, 1f}, {1.5f, -0.75f}};
        int i = 0;
        for (int[] f : shapes)
            for (int t = 0; t < 4; t++, i++)
                out.add(Arguments.of(new Case((t & 1) != 0, (t & 2) != 0, f[0], f[1], f[2], ab[i % 3][0], ab[i % 3][1], i % 4, r.nextLong())));
        return out.stream();
    }

    static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-1, 1);
        return x;
    }

    /** Checks C against the float64 reference with a tolerance scaled by Σ|a·b| (float32 rounding). */
    static void assertGemm(Case t, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c0, float[] c, int cOff, int ldc) {
        for (int i = 0; i < t.m(); i++)
            for (int j = 0; j < t.n(); j++) {
                double s = 0, abs = 0;
                for (int p = 0; p < t.k(); p++) {
                    double x = t.tA() ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double y = t.tB() ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += x * y;
                    abs += Math.abs(x * y);
                }
                int ci = cOff + i * ldc + j;
                double want = t.alpha() * s + (t.beta() == 0 ? 0 : t.beta() * c0[ci]);
                double tol = 1e-5 * (Math.abs(t.alpha()) * abs + Math.abs(t.beta() * c0[ci])) + 1e-6;
                if (Math.abs(c[ci] - want) > tol)
                    throw new AssertionError(t + ": C[" + i + "," + j + "] = " + c[ci] + ", expected " + want + " ± " + tol);
            }
        // cells outside the M×N window are untouched
        for (int i = 0; i < c.length; i++) {
            int rel = i - cOff, row = Math.floorDiv(rel, ldc), col = Math.floorMod(rel, ldc);
            boolean inside = rel >= 0 && row < t.m() && col < t.n();
            if (!inside) assertEquals(c0[i], c[i], t + ": C outside the product changed at " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"cases", "boundaries", "innerProduct"})
    void matchesFloat64Reference(Case t) {
        SplittableRandom r = new SplittableRandom(t.seed());
        int aRows = t.tA() ? t.k() : t.m(), aCols = t.tA() ? t.m() : t.k();
        int bRows = t.tB() ? t.n() : t.k(), bCols = t.tB() ? t.k() : t.n();
        int lda = aCols + t.pad(), ldb = bCols + 2 * t.pad(), ldc = t.n() + 3 * t.pad();
        int aOff = t.pad(), bOff = 2 * t.pad(), cOff = 5 * t.pad();
        float[] a = random(r, aOff + aRows * lda), b = random(r, bOff + bRows * ldb);
        float[] c0 = random(r, cOff + t.m() * ldc + t.pad());
        if (t.beta() == 0f) c0[cOff] = Float.NaN; // beta = 0 must not read C
        float[] c = c0.clone();
        Sgemm.sgemm(t.tA(), t.tB(), t.m(), t.n(), t.k(), t.alpha(), a, aOff, lda, b, bOff, ldb, t.beta(), c, cOff, ldc);
        assertGemm(t, a, aOff, lda, b, bOff, ldb, c0, c, cOff, ldc);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"cases", "innerProduct"})
    void serialAndSegmentBMatchReference(Case t) {
        SplittableRandom r = new SplittableRandom(t.seed() ^ 0x5EED);
        int aRows = t.tA() ? t.k() : t.m(), aCols = t.tA() ? t.m() : t.k();
        int bRows = t.tB() ? t.n() : t.k(), bCols = t.tB() ? t.k() : t.n();
        float[] a = random(r, aRows * aCols), b = random(r, bRows * bCols), c0 = random(r, t.m() * t.n());
        float[] c = c0.clone();
        Sgemm.sgemmSerial(t.tA(), t.tB(), t.m(), t.n(), t.k(), t.alpha(), a, 0, aCols, b, 0, bCols, t.beta(), c, 0, t.n());
        assertGemm(t, a, 0, aCols, b, 0, bCols, c0, c, 0, t.n());
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(4L * (b.length + 3), 4);
            MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_FLOAT, 12, b.length);
            float[] c2 = c0.clone();
            Sgemm.sgemm(t.tA(), t.tB(), t.m(), t.n(), t.k(), t.alpha(), a, 0, aCols, seg, 3, bCols, t.beta(), c2, 0, t.n());
            assertGemm(t, a, 0, aCols, b, 0, bCols, c0, c2, 0, t.n());
        }
    }

    @Test
    void oneAndTwoThreadsAgreeOnALargerProduct() {
        assertThreadCountsAgree(new SplittableRandom(7), 203, 517, 700);
    }

    @Test
    void oneAndTwoThreadsAgreeOnTheInnerProductPath() {
        int m = 16, n = Sgemm.PLAN.nr() / 2 - 1, k = 40000; // like a first conv layer's weight gradient (16x9), shortened
        assertTrue(SgemmDot.suits(m, n, k, Sgemm.PLAN.nr()));
        assertThreadCountsAgree(new SplittableRandom(8), m, n, k);
    }

    /** Batch-1 decode (M = 1) over a 771×3075 weight, stored K×N (row combinations) and N×K (dot products): 1 and 2 threads agree bit for bit. */
    @Test
    void matrixVectorGivesTheSameBitsOnOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(12);
        int k = 771, n = 3075;
        for (boolean tB : new boolean[] {false, true}) {
            float[] x = random(r, k), w = random(r, k * n), y1 = new float[n], y2 = new float[n];
            int ldb = tB ? k : n, old = Parallel.threads();
            try {
                Parallel.setThreads(2);
                Sgemm.sgemm(false, tB, 1, n, k, 1f, MemorySegment.ofArray(x), 0, k, MemorySegment.ofArray(w), 0, ldb, 0f, y1, 0, n, 1);
                Sgemm.sgemm(false, tB, 1, n, k, 1f, MemorySegment.ofArray(x), 0, k, MemorySegment.ofArray(w), 0, ldb, 0f, y2, 0, n, 2);
            } finally {
                Parallel.setThreads(old);
            }
            assertTrue(java.util.Arrays.equals(y1, y2), (tB ? "dot" : "combination") + " form: 1 and 2 threads give bit-identical results");
            assertGemm(new Case(false, tB, 1, n, k, 1f, 0f, 0, 0), x, 0, k, w, 0, ldb, new float[n], y2, 0, n);
        }
    }

    /** A·Bᵀ on 1 and on 2 threads: bit-identical, and equal to the float64 reference. */
    private static void assertThreadCountsAgree(SplittableRandom r, int m, int n, int k) {
        float[] a = random(r, m * k), b = random(r, n * k);
        float[] c1 = new float[m * n], c2 = new float[m * n];
        int old = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Sgemm.sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c1, 0, n);
            Parallel.setThreads(2);
            Sgemm.sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c2, 0, n);
        } finally {
            Parallel.setThreads(old);
        }
        assertTrue(java.util.Arrays.equals(c1, c2), "1 and 2 threads give bit-identical results");
        assertGemm(new Case(false, true, m, n, k, 1f, 0f, 0, 0), a, 0, k, b, 0, k, new float[m * n], c2, 0, n);
    }

    @Test
    void badShapesGiveClearErrors() {
        float[] a = new float[6], b = new float[6], c = new float[4];
        var e = assertThrows(IllegalArgumentException.class, () -> Sgemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().contains("leading dimension of A"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sgemm.sgemm(false, false, 2, 2, 4, 1f, a, 0, 4, b, 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().contains("A of 2x4"), e.getMessage());
    }

    @Test
    void widthFollowsTheSystemPropertyAndTheTileFollowsThePlan() {
        Integer bits = Integer.getInteger("elixr.vector.bits");
        if (bits != null) assertEquals(bits.intValue(), Simd.species().vectorBitSize());
        assertEquals(GemmPlan.DEFAULT.kernel().nv() * Simd.species().length(), Sgemm.PLAN.nr());
        assertEquals(2 * Simd.species().length(), Sgemm.NR, "the attention tile is two vectors wide");
        assertEquals(0, FlashAttention.BK % Sgemm.NR, "the attention tile divides the key block");
    }

    /**
     * Every micro-kernel variant, whatever this machine would choose, with small cache blocks (KC 64, MC 2·MR, NC 2·NR)
     * so that several K, M and N blocks are crossed: sizes on either side of its tile and of a K block, all four
     * transposes, alpha/beta/padding cycled; and one larger random product each. Each runs twice: A packed, and A read
     * in place by the two-vector tile wherever the plan allows it (a row-major A; B strips as wide as that tile's).
     */
    static Stream<Arguments> everyTile() {
        SplittableRandom r = new SplittableRandom(20261201);
        List<Arguments> out = new ArrayList<>();
        float[][] ab = {{1f, 0f}, {-0.5f, 1f}, {1.5f, -0.75f}};
        int i = 0;
        for (MicroKernel kern : MicroKernel.variants()) {
            int mr = kern.mr(), nr = kern.nr();
            for (int m : new int[] {mr - 1, 2 * mr + 1, 5 * mr + 3})
                for (int n : new int[] {9, nr + 9, 3 * nr - 1})
                    for (int k : new int[] {Sgemm.VL + 1, 64 + 1})
                        for (int t = 0; t < 4; t++, i++)
                            if ((i & 1) == 0 || m == 5 * mr + 3) // every transpose is seen at every size over the tiles
                                out.add(Arguments.of(kern.name(), new Case((t & 1) != 0, (t & 2) != 0, m, n, k, ab[i % 3][0], ab[i % 3][1], i % 4, r.nextLong())));
            out.add(Arguments.of(kern.name(), new Case(r.nextBoolean(), r.nextBoolean(), 97, 131, 300, 1f, 0.5f, 1, r.nextLong())));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyTile")
    void everyTileMatchesFloat64ReferencePackedOrWithAReadInPlaceOrWithAStripsOuter(String tile, Case t) {
        for (GemmPlan plan : loopOrders(MicroKernel.named(tile))) everyTileMatchesFloat64Reference(plan, t);
    }

    /**
     * Small blocks for the tile (KC 64, two tiles of MC and NC) in every loop order: B strips outer with A packed, with A
     * read in place, A strips outer packing A at once, and in blocks of one tile of rows.
     */
    static GemmPlan[] loopOrders(MicroKernel kern) {
        GemmPlan packed = GemmPlan.of(kern, 64, 2 * kern.mr(), 2 * kern.nr());
        return new GemmPlan[] {packed, packed.withInPlaceN(1 << 20), packed.withRowsOuter(0, 2 * kern.nr()),
                packed.withRowsOuter(0, 2 * kern.nr(), kern.mr())};
    }

    private static void everyTileMatchesFloat64Reference(GemmPlan plan, Case t) {
        SplittableRandom r = new SplittableRandom(t.seed());
        int aRows = t.tA() ? t.k() : t.m(), aCols = t.tA() ? t.m() : t.k();
        int bRows = t.tB() ? t.n() : t.k(), bCols = t.tB() ? t.k() : t.n();
        int lda = aCols + t.pad(), ldb = bCols + 2 * t.pad(), ldc = t.n() + 3 * t.pad();
        int aOff = t.pad(), bOff = 2 * t.pad(), cOff = 5 * t.pad();
        float[] a = random(r, aOff + aRows * lda), b = random(r, bOff + bRows * ldb);
        float[] c0 = random(r, cOff + t.m() * ldc + t.pad());
        if (t.beta() == 0f) c0[cOff] = Float.NaN;
        for (int threads : new int[] {1, 2}) {
            float[] c = c0.clone();
            Sgemm.sgemm(plan, t.tA(), t.tB(), t.m(), t.n(), t.k(), t.alpha(), MemorySegment.ofArray(a), aOff, lda,
                    MemorySegment.ofArray(b), bOff, ldb, t.beta(), c, cOff, ldc, threads);
            assertGemm(t, a, aOff, lda, b, bOff, ldb, c0, c, cOff, ldc);
        }
    }

    static Stream<String> tiles() { return MicroKernel.variants().stream().map(MicroKernel::name); }

    /** Each tile on 1 and on 2 threads, with this machine's blocks for it, A packed and A read in place: bit-identical, and equal to the float64 reference. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tiles")
    void everyTileGivesTheSameBitsOnOneAndTwoThreadsPackedOrWithAReadInPlace(String tile) {
        GemmPlan packed = GemmPlan.of(MicroKernel.named(tile));
        for (GemmPlan plan : new GemmPlan[] {packed, packed.withInPlaceN(1 << 20)})
            everyTileGivesTheSameBitsOnOneAndTwoThreads(tile, plan);
    }

    private static void everyTileGivesTheSameBitsOnOneAndTwoThreads(String tile, GemmPlan plan) {
        SplittableRandom r = new SplittableRandom(tile.hashCode());
        int m = 203, n = 517, k = 700;
        for (boolean tB : new boolean[] {false, true}) {
            float[] a = random(r, m * k), b = random(r, n * k);
            float[] c1 = new float[m * n], c2 = new float[m * n];
            int ldb = tB ? k : n;
            int old = Parallel.threads();
            try {
                Parallel.setThreads(2);
                Sgemm.sgemm(plan, false, tB, m, n, k, 1f, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(b), 0, ldb, 0f, c1, 0, n, 1);
                Sgemm.sgemm(plan, false, tB, m, n, k, 1f, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(b), 0, ldb, 0f, c2, 0, n, 2);
            } finally {
                Parallel.setThreads(old);
            }
            assertTrue(java.util.Arrays.equals(c1, c2), tile + ": 1 and 2 threads give bit-identical results");
            assertGemm(new Case(false, tB, m, n, k, 1f, 0f, 0, 0), a, 0, k, b, 0, ldb, new float[m * n], c2, 0, n);
        }
    }

    /**
     * A strips outer ({@link GemmPlan#rowsOuterC()}: every product over several K blocks; a panel of B three strips
     * wide, so that N spans several), with each K block of A packed at once or two tiles of rows at a time
     * ({@link GemmPlan#mcRows()}), and B strips outer give the same bits with every tile, into a C overwritten and into a C
     * added to (beta 1 and 0.5, K over several blocks), on 1 and 2 threads.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tiles")
    void everyTileGivesTheSameBitsWithAStripsOuterAsWithBStripsOuter(String tile) {
        MicroKernel kern = MicroKernel.named(tile);
        GemmPlan columns = GemmPlan.of(kern, 64, 3 * kern.mr(), 4 * kern.nr());
        for (GemmPlan rows : new GemmPlan[] {columns.withRowsOuter(0, 3 * kern.nr()), columns.withRowsOuter(0, 3 * kern.nr(), 2 * kern.mr())})
            sameBitsInBothOrders(tile, kern, columns, rows);
    }

    private static void sameBitsInBothOrders(String tile, MicroKernel kern, GemmPlan columns, GemmPlan rows) {
        SplittableRandom r = new SplittableRandom(tile.hashCode() + 5);
        int m = 7 * kern.mr() + 3, n = 11 * kern.nr() + 5, k = 3 * 64 + 17;
        for (float beta : new float[] {0f, 1f, 0.5f})
            for (int threads = 1; threads <= 2; threads++) {
                float[] a = random(r, m * k), b = random(r, k * n), c0 = random(r, m * n);
                float[] byColumns = c0.clone(), byRows = c0.clone();
                Sgemm.sgemm(columns, false, false, m, n, k, 1f, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(b), 0, n, beta, byColumns, 0, n, threads);
                Sgemm.sgemm(rows, false, false, m, n, k, 1f, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(b), 0, n, beta, byRows, 0, n, threads);
                for (int i = 0; i < m * n; i++)
                    if (Float.floatToRawIntBits(byColumns[i]) != Float.floatToRawIntBits(byRows[i]))
                        throw new AssertionError(tile + " beta " + beta + " on " + threads + " thread(s), MC " + rows.mcRows() + ", at (" + i / n + ", " + i % n
                                + "): B strips outer " + byColumns[i] + ", A strips outer " + byRows[i]);
            }
    }

    /**
     * The A-strips-outer order's whole tiles (12×2 at KC 128 beside the 8×2 plan at KC 64; 72 of 85 rows, the other 13
     * to the plan's tile, 5 of them an edge) give the plan's own bits, into a C overwritten and added to, on 1 and 2
     * threads, and match the float64 reference; products they do not suit (alpha ≠ 1, beta 0.5, a partial column strip,
     * B packed beforehand) give them no rows.
     */
    @Test
    void wholeTilesOfTheAStripsOuterOrderGiveThePlanTilesBits() {
        MicroKernel k8 = MicroKernel.named("8x2"), k12 = MicroKernel.named("12x2");
        GemmPlan plain = GemmPlan.of(k8, 64, 2 * k8.mr(), 2 * k8.nr()).withRowsOuter(0, 2 * k8.nr());
        GemmPlan whole = plain.withWholeTiles(k12, 128, 2 * k8.nr(), 4 * k12.mr());
        int m = 85, n = 4 * k8.nr(), k = 3 * 64 + 17;
        assertEquals(72, Sgemm.wholeTileRows(whole, m, n, 1f, 0f, null), "the rows that are whole 8- and 12-row tiles");
        assertEquals(72, Sgemm.wholeTileRows(whole, m, n / 2, 1f, 1f, null), "each of two threads' halves of C");
        assertEquals(0, Sgemm.wholeTileRows(whole, m, n, 0.5f, 0f, null), "alpha 0.5");
        assertEquals(0, Sgemm.wholeTileRows(whole, m, n, 1f, 0.5f, null), "beta 0.5");
        assertEquals(0, Sgemm.wholeTileRows(whole, m, n + 5, 1f, 0f, null), "a partial column strip");
        assertEquals(0, Sgemm.wholeTileRows(plain, m, n, 1f, 0f, null), "a plan without whole tiles");
        SplittableRandom r = new SplittableRandom(20261207);
        for (float beta : new float[] {0f, 1f})
            for (int threads = 1; threads <= 2; threads++) {
                float[] a = random(r, m * k), b = random(r, k * n), c0 = random(r, m * n);
                float[] byPlan = c0.clone(), byWhole = c0.clone();
                Sgemm.sgemm(plain, false, false, m, n, k, 1f, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(b), 0, n, beta, byPlan, 0, n, threads);
                Sgemm.sgemm(whole, false, false, m, n, k, 1f, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(b), 0, n, beta, byWhole, 0, n, threads);
                assertArrayEquals(byPlan, byWhole, "beta " + beta + " on " + threads + " thread(s): whole tiles against the plan's tile, bit for bit");
                assertGemm(new Case(false, false, m, n, k, 1f, beta, 0, 0), a, 0, k, b, 0, n, c0, byWhole, 0, n);
            }
    }

    /**
     * A product whose columns per thread straddle the in-place width (144 columns: 64 and 80 on two threads, with A read
     * in place up to 64), K beyond one K block (3,456, as the dW of ELIXR-C's 16→32 conv), into a C overwritten and into
     * a C added to: the same bits on 1 and 2 threads with every tile.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tiles")
    void everyTileGivesTheSameBitsOnOneAndTwoThreadsWhenOnlyOneThreadsColumnsFitTheInPlaceWidth(String tile) {
        GemmPlan plan = GemmPlan.of(MicroKernel.named(tile)).withInPlaceN(64);
        SplittableRandom r = new SplittableRandom(tile.hashCode() + 1);
        int m = 32, n = 144, k = 3456;
        float[] a = random(r, m * k), b = random(r, n * k), c0 = random(r, m * n);
        for (float beta : new float[] {0f, 1f}) {
            float[] c1 = c0.clone(), c2 = c0.clone();
            int old = Parallel.threads();
            try {
                Parallel.setThreads(2);
                Sgemm.sgemm(plan, false, true, m, n, k, 1f, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(b), 0, k, beta, c1, 0, n, 1);
                Sgemm.sgemm(plan, false, true, m, n, k, 1f, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(b), 0, k, beta, c2, 0, n, 2);
            } finally {
                Parallel.setThreads(old);
            }
            assertTrue(java.util.Arrays.equals(c1, c2), tile + ", beta " + beta + ": 1 and 2 threads give bit-identical results");
            assertGemm(new Case(false, true, m, n, k, 1f, beta, 0, 0), a, 0, k, b, 0, k, c0, c2, 0, n);
        }
    }

    /** The attention path ({@link Sgemm#gemmPackedB}: B packed once, A read in place) with every tile, rows not a multiple of MR. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tiles")
    void everyTileMatchesTheReferenceWithAReadInPlace(String tile) {
        MicroKernel kern = MicroKernel.named(tile);
        SplittableRandom r = new SplittableRandom(tile.hashCode() ^ 11);
        for (boolean tB : new boolean[] {false, true}) {
            int m = 3 * kern.mr() + 2, n = kern.nr() + 5, k = 70, lda = k + 3, ldc = n + 1;
            float[] a = random(r, m * lda), b = random(r, k * n), c0 = random(r, m * ldc);
            int ldb = tB ? k : n;
            float[] bp = new float[Sgemm.roundUp(n, kern.nr()) * k + 4];
            Sgemm.packB(kern.nr(), tB, b, 0, ldb, k, n, bp, 4);
            float[] c = c0.clone();
            Sgemm.gemmPackedB(kern, a, 0, lda, m, bp, 4, n, k, 0.5f, 1f, c, 0, ldc);
            assertGemm(new Case(false, tB, m, n, k, 0.5f, 1f, 0, 0), a, 0, lda, b, 0, ldb, c0, c, 0, ldc);
        }
    }

    /**
     * {@link MicroKernel#runs} (B read in place from runs anywhere in an array, in any order, the tile fresh or
     * accumulating) gives the bits of {@link MicroKernel#packed} on the same rows copied into a strip, with every tile,
     * and those equal the float64 reference.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tiles")
    void everyTileReadingBFromRunsGivesTheBitsOfThePackedStrip(String tile) {
        MicroKernel kern = MicroKernel.named(tile);
        SplittableRandom r = new SplittableRandom(tile.hashCode() ^ 29);
        int mr = kern.mr(), nr = kern.nr(), kb = 37, ks = 5, jb = 3, pitch = nr + 9;
        float[] a = random(r, mr * kb + 2), b = random(r, 40 * nr), strip = new float[kb * nr];
        int[] start = new int[ks + kb];
        for (int p = 0; p < start.length; p++) start[p] = r.nextInt(b.length - nr - jb); // runs anywhere, overlapping
        for (int p = 0; p < kb; p++) System.arraycopy(b, start[ks + p] + jb, strip, p * nr, nr);
        for (boolean acc : new boolean[] {false, true}) {
            float[] c0 = random(r, mr * pitch + 1), viaRuns = c0.clone(), viaStrip = c0.clone();
            kern.runs(a, 2, b, start, ks, jb, kb, viaRuns, 1, pitch, acc);
            kern.packed(a, 2, strip, 0, kb, viaStrip, 1, pitch, acc);
            assertTrue(java.util.Arrays.equals(viaRuns, viaStrip), tile + (acc ? " accumulating" : " fresh") + ": runs and packed strip give the same bits");
            for (int i = 0; i < mr; i++)
                for (int j = 0; j < nr; j++) {
                    double s = acc ? c0[1 + i * pitch + j] : 0, abs = Math.abs(s);
                    for (int p = 0; p < kb; p++) {
                        double x = (double) a[2 + p * mr + i] * strip[p * nr + j];
                        s += x;
                        abs += Math.abs(x);
                    }
                    assertEquals(s, viaRuns[1 + i * pitch + j], 1e-5 * abs + 1e-6, tile + " (" + i + ", " + j + ")");
                }
        }
    }

    /**
     * {@link Kernel5x2} splits its first fresh tiles into a call from zero over the first LEAD values of k and an
     * accumulating call over the rest (to seed C2's profile): the same bits as one call, with the tile in a scratch and
     * in a wider C, and equal to the float64 reference.
     */
    @Test
    void fiveByTwoGivesTheSameBitsSplitOrInOneCall() {
        SplittableRandom r = new SplittableRandom(20261203);
        int mr = 5, nr = 2 * Sgemm.VL, kb = 301;
        float[] a = random(r, mr * kb + 3), b = random(r, nr * kb + 7);
        for (int pitch : new int[] {nr, 3 * nr + 5}) {
            float[] whole = new float[mr * pitch + 2], split = new float[mr * pitch + 2];
            Kernel5x2.tile(a, 3, b, 7, kb, whole, 2, pitch, false);
            Kernel5x2.tile(a, 3, b, 7, Kernel5x2.LEAD, split, 2, pitch, false);
            Kernel5x2.tile(a, 3 + Kernel5x2.LEAD * mr, b, 7 + Kernel5x2.LEAD * nr, kb - Kernel5x2.LEAD, split, 2, pitch, true);
            assertTrue(java.util.Arrays.equals(whole, split), "pitch " + pitch + ": split and whole give bit-identical tiles");
            float[] viaPacked = new float[mr * pitch + 2];
            MicroKernel.named("5x2").packed(a, 3, b, 7, kb, viaPacked, 2, pitch);
            assertTrue(java.util.Arrays.equals(whole, viaPacked), "pitch " + pitch + ": packed() gives the same bits");
            for (int i = 0; i < mr; i++)
                for (int j = 0; j < nr; j++) {
                    double s = 0, abs = 0;
                    for (int p = 0; p < kb; p++) {
                        double x = (double) a[3 + p * mr + i] * b[7 + p * nr + j];
                        s += x;
                        abs += Math.abs(x);
                    }
                    assertEquals(s, whole[2 + i * pitch + j], 1e-5 * abs + 1e-6, "(" + i + ", " + j + ")");
                }
        }
    }
}
