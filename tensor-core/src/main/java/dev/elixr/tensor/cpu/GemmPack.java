package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Packing of {@link Sgemm}'s operands into the panels its micro-kernel streams (Goto and van de Geijn, TOMS 2008,
 * §5): op(A) into MR-tall strips (element (i, p) of a strip at p·MR + i), op(B) into NR-wide strips (element
 * (p, j) at p·NR + j), zero-padded at the edges. MR and NR are those of the micro-kernel in use ({@link GemmPlan}):
 * parameters, not constants. Packing only copies, so every path gives the same bits.
 *
 * <p>Vector strategy. Two of the four cases copy rows as they are stored: a transposed A (a stored row holds
 * MR consecutive i of one p: one 8-float load and store per p when MR = 8, scalar copies otherwise) and a row-major
 * B (NR/VL vector loads and stores per p). The other two transpose, because K is the contiguous direction of the stored matrix: a row-major A and a
 * transposed B (a Linear weight, im2col columns). They go by 8×VL blocks: 8 stored rows, VL consecutive p each,
 * loaded as 8 vectors and transposed in registers by three rounds of zips (lane-interleaves of two vectors: at 512
 * bits one two-source permute each, {@link FloatVector#selectFrom(jdk.incubator.vector.Vector, jdk.incubator.vector.Vector)};
 * narrower, two one-source permutes and a blend, which on AVX2 packs a transposed B in 0.43 ns a float against 0.55,
 * Zen 3, one thread, a 144 × 3456 matrix in KC blocks of 336, scratch harness, two runs each way):
 * zipping vector i with vector i+4, three times, rotates the 3 row bits of every element's position below its
 * lane bits, so the 8 vectors come out holding the block in p-major order (element (p, r) at p·8 + r). That is the
 * A strip layout itself when MR = 8 (other MR take the plain loop: packing A is a small share of the work, one float
 * per NR multiply-adds); for B, whose strips are NR = NV·VL wide, the 8 rows become 8 consecutive columns of the
 * strip: the block goes p-major into a scratch block and from there as rows of 8 floats to a pitch of NR (see
 * {@link GemmPackArrays#transpose8Strided} for why not straight from registers). 24 permutes move 8·VL floats,
 * against one scalar load and store per float before
 * (measured with 512-bit vectors: 0.10 ns a float for A, 0.14 for B, against 0.25 and 0.34 for the plain loops).
 * The ragged rest (p beyond the last whole VL, fewer than 8 rows at the edge) is copied by scalar loops.
 * The {@code *Reference} methods are the plain loops, kept for tests. The vector paths themselves are written
 * over float[] in {@link GemmPackArrays}: heap operands go there directly, native (mapped) ones after their block's
 * stored rows are bulk-copied into a scratch array ({@link #stage}), so one compiled form serves both.
 */
final class GemmPack {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = S.length();
    /** The transposing paths handle 128-, 256- and 512-bit vectors (VL = 4, 8, 16). */
    static final boolean TRANSPOSE = VL == 4 || VL == 8 || VL == 16;
    /** Eight floats as one vector (a 256-bit species, present wherever VL ≥ 8), for the MR-wide copies of a transposed A. */
    static final VectorSpecies<Float> S8 = VL >= 8 ? FloatVector.SPECIES_256 : S;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Lane i of zipLo(a, b) is a[i/2] for even i, b[i/2] for odd i; zipHi the same from the upper halves. */
    private static final FloatVector ZIP_LO = index(0), ZIP_HI = index(VL / 2);

    /**
     * Whether the zips are two-source permutes (AVX-512's one vpermi2ps) or, below 512 bits, two one-source permutes and
     * a blend (as {@link StrideTwo}); {@code -Delixr.gemmPack.twoSource=true|false} overrides, for comparisons.
     */
    static final boolean TWO_SOURCE = Boolean.parseBoolean(System.getProperty("elixr.gemmPack.twoSource",
            Boolean.toString(S.vectorBitSize() >= 512)));
    /** Lane i of a.rearrange(HALF_LO) is a[i/2], of HALF_HI a[VL/2 + i/2]; the odd lanes then come from b by a blend. */
    private static final VectorShuffle<Float> HALF_LO = VectorShuffle.fromOp(S, i -> i / 2), HALF_HI = VectorShuffle.fromOp(S, i -> VL / 2 + i / 2);
    private static final VectorMask<Float> ODD_LANES = VectorMask.fromLong(S, 0xAAAA_AAAA_AAAA_AAAAL & ((1L << VL) - 1));

    private GemmPack() {}

    private static FloatVector index(int from) {
        float[] idx = new float[VL];
        for (int i = 0; i < VL; i++) idx[i] = ((i & 1) == 0 ? 0 : VL) + from + i / 2;
        return FloatVector.fromArray(S, idx, 0);
    }

    static FloatVector zipLo(FloatVector a, FloatVector b) { return zipLo(a, b, TWO_SOURCE); }

    static FloatVector zipHi(FloatVector a, FloatVector b) { return zipHi(a, b, TWO_SOURCE); }

    /** {@link #zipLo} by either strategy (tests hold them to the lane definition on any machine). */
    static FloatVector zipLo(FloatVector a, FloatVector b, boolean twoSource) {
        return twoSource ? ZIP_LO.selectFrom(a, b) : a.rearrange(HALF_LO).blend(b.rearrange(HALF_LO), ODD_LANES);
    }

    static FloatVector zipHi(FloatVector a, FloatVector b, boolean twoSource) {
        return twoSource ? ZIP_HI.selectFrom(a, b) : a.rearrange(HALF_HI).blend(b.rearrange(HALF_HI), ODD_LANES);
    }

    /**
     * The index element {@code off} of a heap segment of floats has in its float[], or −1 for native memory (or a
     * heap segment not on a float boundary), which {@link #stage} copies first. Packing never reads through
     * {@code fromMemorySegment}, whose type profile is shared by every caller in the process.
     */
    static int heapOffset(MemorySegment s, long off) {
        if (!(s.heapBase().orElse(null) instanceof float[] f)) return -1;
        long byteOff = s.address();
        if ((byteOff & 3) != 0) return -1;
        long at = byteOff / 4 + off;
        return at >= 0 && at <= f.length ? (int) at : -1;
    }

    private static float[] heapArray(MemorySegment s) { return (float[]) s.heapBase().orElseThrow(); }

    /** Packs op(A)[ic:ic+mb, pc:pc+kb] as MR-tall strips; inside a strip element (i, p) sits at p·MR + i. */
    static void packA(int mr, boolean tA, MemorySegment a, long off, int lda, int ic, int mb, int pc, int kb, float[] ap) {
        int at = heapOffset(a, off);
        if (at >= 0) {
            GemmPackArrays.packA(mr, tA, heapArray(a), at, lda, ic, mb, pc, kb, ap);
            return;
        }
        // native memory: the block's stored rows copied into a heap scratch, then the array paths
        if (tA) {
            float[] s = stage(a, off + (long) pc * lda + ic, lda, kb, mb);
            GemmPackArrays.packA(mr, true, s, 0, mb, 0, mb, 0, kb, ap);
        } else {
            float[] s = stage(a, off + (long) ic * lda + pc, lda, mb, kb);
            GemmPackArrays.packA(mr, false, s, 0, kb, 0, mb, 0, kb, ap);
        }
    }

    /** Packs op(B)[pc:pc+kb, jc:jc+nc] as NR-wide strips from bp[bpOff]; inside a strip element (p, j) sits at p·NR + j. */
    static void packB(int nr, boolean tB, MemorySegment b, long off, int ldb, int pc, int kb, int jc, int nc, float[] bp, int bpOff) {
        int at = heapOffset(b, off);
        if (at >= 0) {
            GemmPackArrays.packB(nr, tB, heapArray(b), at, ldb, pc, kb, jc, nc, bp, bpOff);
            return;
        }
        if (tB) {
            float[] s = stage(b, off + (long) jc * ldb + pc, ldb, nc, kb);
            GemmPackArrays.packB(nr, true, s, 0, kb, 0, kb, 0, nc, bp, bpOff);
        } else {
            float[] s = stage(b, off + (long) pc * ldb + jc, ldb, kb, nc);
            GemmPackArrays.packB(nr, false, s, 0, nc, 0, kb, 0, nc, bp, bpOff);
        }
    }

    private static final ThreadLocal<float[][]> STAGE = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * rows × cols floats of native memory (rows ld floats apart from element {@code from}) copied, rows packed
     * together, into this thread's scratch array. One bulk copy per row: the packing then runs the array paths only,
     * so a single compiled form of them serves heap and mapped operands alike (the segment-reading transposes were
     * compiled far worse in a JVM that had run much else: a demo's report checks spent half their time in them).
     */
    private static float[] stage(MemorySegment x, long from, int ld, int rows, int cols) {
        float[][] holder = STAGE.get();
        int n = rows * cols;
        if (holder[0].length < n) holder[0] = new float[Math.max(n, holder[0].length * 2)];
        float[] s = holder[0];
        for (int r = 0; r < rows; r++) MemorySegment.copy(x, F, (from + (long) r * ld) * 4, s, r * cols, cols);
        return s;
    }

    /** The plain loops: op(A)[i:i+h, pc:pc+kb] (h ≤ MR) into one strip at ap[base], zero rows below h. */
    static void packAReference(int mr, boolean tA, MemorySegment a, long off, int lda, int i, int h, int pc, int kb, float[] ap, int base) {
        if (!tA) {
            for (int r = 0; r < mr; r++) {
                if (r < h) {
                    long src = off + (long) (i + r) * lda + pc;
                    for (int p = 0; p < kb; p++) ap[base + p * mr + r] = a.getAtIndex(F, src + p);
                } else {
                    for (int p = 0; p < kb; p++) ap[base + p * mr + r] = 0f;
                }
            }
        } else {
            for (int p = 0; p < kb; p++) {
                long src = off + (long) (pc + p) * lda + i;
                int dst = base + p * mr;
                for (int r = 0; r < h; r++) ap[dst + r] = a.getAtIndex(F, src + r);
                for (int r = h; r < mr; r++) ap[dst + r] = 0f;
            }
        }
    }

    /** The plain loops: op(B)[pc:pc+kb, j:j+w] (w ≤ NR) into one strip at bp[base], zero columns beyond w. */
    static void packBReference(int nr, boolean tB, MemorySegment b, long off, int ldb, int pc, int kb, int j, int w, float[] bp, int base) {
        if (!tB) {
            for (int p = 0; p < kb; p++) {
                long src = off + (long) (pc + p) * ldb + j;
                int dst = base + p * nr;
                for (int jj = 0; jj < w; jj++) bp[dst + jj] = b.getAtIndex(F, src + jj);
                for (int jj = w; jj < nr; jj++) bp[dst + jj] = 0f;
            }
        } else {
            for (int jj = 0; jj < nr; jj++) {
                if (jj < w) {
                    long src = off + (long) (j + jj) * ldb + pc;
                    for (int p = 0; p < kb; p++) bp[base + p * nr + jj] = b.getAtIndex(F, src + p);
                } else {
                    for (int p = 0; p < kb; p++) bp[base + p * nr + jj] = 0f;
                }
            }
        }
    }
}
