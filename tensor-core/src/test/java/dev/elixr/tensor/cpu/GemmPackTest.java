package dev.elixr.tensor.cpu;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@link GemmPack}'s vector packing against its plain loops: packing only copies, so the packed panels must be
 * bit-identical, padding zeros included, for both transposes, every strip size of the micro-kernels (MR, NR), sizes on
 * either side of them, of VL and of the 8-row transpose blocks, leading dimensions wider than a row, offsets, and heap, sliced-heap and native segments.
 */
class GemmPackTest {
    static final int VL = GemmPack.VL;

    /** One packing: strip height (A) or width (B) {@code tile}, the stored matrix transposed or not, a window of it. */
    record Case(int tile, boolean trans, int rows, int kb, int rowOffset, int pc, int pad, int store, long seed) {
        @Override public String toString() {
            return "strips of " + tile + " " + (trans ? "T" : "N") + " rows=" + rows + " kb=" + kb + " from row " + rowOffset + " col " + pc
                    + " pad=" + pad + " " + (store == 0 ? "heap" : store == 1 ? "sliced heap" : "native");
        }
    }

    /** Row counts on either side of the strip size, of the 8-row transpose blocks and of VL, for every strip size the micro-kernels use. */
    static Stream<Arguments> cases(int[] tiles, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Arguments> out = new ArrayList<>();
        int[] kbs = {1, VL - 1, VL, VL + 1, 2 * VL + 3, 37, 256};
        for (int tile : tiles) {
            int[] rows = {1, 7, tile - 1, tile, tile + 1, 15, 16, 17, 2 * tile + 9, 100};
            for (boolean trans : new boolean[] {false, true})
                for (int m : rows)
                    for (int kb : kbs)
                        if (m >= 1) out.add(Arguments.of(new Case(tile, trans, m, kb, r.nextInt(3), r.nextInt(3), r.nextInt(4), r.nextInt(3), r.nextLong())));
        }
        return out.stream();
    }

    static Stream<Arguments> aCases() {
        return cases(MicroKernel.variants().stream().mapToInt(MicroKernel::mr).distinct().toArray(), 20261128);
    }

    static Stream<Arguments> bCases() {
        return cases(MicroKernel.variants().stream().mapToInt(MicroKernel::nr).distinct().toArray(), 20261129);
    }

    /** A stored matrix big enough for the case (rows and columns beyond the packed window are random too), as the case's kind of segment. */
    static MemorySegment matrix(float[] x, int store, Arena arena) {
        return switch (store) {
            case 0 -> MemorySegment.ofArray(x);
            case 1 -> { // the same floats three further into a larger array, sliced back
                float[] y = new float[x.length + 3];
                System.arraycopy(x, 0, y, 3, x.length);
                yield MemorySegment.ofArray(y).asSlice(12);
            }
            default -> {
                MemorySegment s = arena.allocate(4L * x.length, 4);
                MemorySegment.copy(x, 0, s, ValueLayout.JAVA_FLOAT, 0, x.length);
                yield s;
            }
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("aCases")
    void packAMatchesThePlainLoops(Case t) {
        // op(A)[ic:ic+mb, pc:pc+kb]; stored A is [M, K] (N) or [K, M] (T)
        int ic = t.rowOffset(), mb = t.rows(), m = ic + mb + 1, k = t.pc() + t.kb() + 2;
        int cols = t.trans() ? m : k, storedRows = t.trans() ? k : m, ld = cols + t.pad(), off = t.pad();
        float[] x = random(new SplittableRandom(t.seed()), off + storedRows * ld);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = matrix(x, t.store(), arena);
            int mr = t.tile(), size = Sgemm.roundUp(mb, mr) * t.kb();
            float[] fast = garbage(size + 5), plain = garbage(size + 5);
            GemmPack.packA(mr, t.trans(), seg, off, ld, ic, mb, t.pc(), t.kb(), fast);
            for (int is = 0; is < mb; is += mr)
                GemmPack.packAReference(mr, t.trans(), seg, off, ld, ic + is, Math.min(mr, mb - is), t.pc(), t.kb(), plain, is * t.kb());
            assertArrayEquals(plain, fast, t.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bCases")
    void packBMatchesThePlainLoops(Case t) {
        // op(B)[pc:pc+kb, jc:jc+nc]; stored B is [K, N] (N) or [N, K] (T); packed from bpOff = 3
        int jc = t.rowOffset(), nc = t.rows(), n = jc + nc + 1, k = t.pc() + t.kb() + 2, bpOff = 3;
        int cols = t.trans() ? k : n, storedRows = t.trans() ? n : k, ld = cols + t.pad(), off = t.pad();
        float[] x = random(new SplittableRandom(t.seed()), off + storedRows * ld);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = matrix(x, t.store(), arena);
            int nr = t.tile(), size = Sgemm.roundUp(nc, nr) * t.kb();
            float[] fast = garbage(bpOff + size + 5), plain = fast.clone();
            GemmPack.packB(nr, t.trans(), seg, off, ld, t.pc(), t.kb(), jc, nc, fast, bpOff);
            for (int js = 0; js < nc; js += nr)
                GemmPack.packBReference(nr, t.trans(), seg, off, ld, t.pc(), t.kb(), jc + js, Math.min(nr, nc - js), plain, bpOff + js * t.kb());
            assertArrayEquals(plain, fast, t.toString());
        }
    }

    static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-1, 1);
        return x;
    }

    /** A buffer full of NaN, so a cell the packer forgets (padding included) shows. */
    static float[] garbage(int n) {
        float[] x = new float[n];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    /** The transposes' zips, by two-source permutes and by one-source permutes and a blend: lane 2i is a[i] (a[VL/2 + i]), lane 2i + 1 is b[i] (b[VL/2 + i]). */
    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3})
    void zipsOfBothStrategiesFollowTheirLaneDefinitions(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[VL], b = new float[VL], lo = new float[VL], hi = new float[VL];
        for (int i = 0; i < VL; i++) { a[i] = (float) r.nextGaussian(); b[i] = (float) r.nextGaussian(); }
        for (int i = 0; i < VL; i++) {
            lo[i] = (i & 1) == 0 ? a[i / 2] : b[i / 2];
            hi[i] = (i & 1) == 0 ? a[VL / 2 + i / 2] : b[VL / 2 + i / 2];
        }
        var va = jdk.incubator.vector.FloatVector.fromArray(GemmPack.S, a, 0);
        var vb = jdk.incubator.vector.FloatVector.fromArray(GemmPack.S, b, 0);
        for (boolean twoSource : new boolean[] {true, false}) {
            String how = (twoSource ? "two-source" : "one-source") + " permutes, vector length " + VL;
            assertArrayEquals(lo, GemmPack.zipLo(va, vb, twoSource).toArray(), "lower zip, " + how);
            assertArrayEquals(hi, GemmPack.zipHi(va, vb, twoSource).toArray(), "upper zip, " + how);
        }
    }
}
