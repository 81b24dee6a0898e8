package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

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
 * loaded as 8 vectors and transposed in registers by three rounds of zips (lane-interleaves of two vectors, one
 * two-source permute each, {@link FloatVector#selectFrom(jdk.incubator.vector.Vector, jdk.incubator.vector.Vector)}):
 * zipping vector i with vector i+4, three times, rotates the 3 row bits of every element's position below its
 * lane bits, so the 8 vectors come out holding the block in p-major order (element (p, r) at p·8 + r). That is the
 * A strip layout itself when MR = 8 (other MR take the plain loop: packing A is a small share of the work, one float
 * per NR multiply-adds); for B, whose strips are NR = NV·VL wide, the 8 rows become 8 consecutive columns of the
 * strip: rows of 8 floats stored at a pitch of NR (half vectors for VL = 4, whole ones for VL = 8, two masked half
 * stores for VL = 16). 24 permutes move 8·VL floats, against one scalar load and store per float before
 * (measured with 512-bit vectors: 0.10 ns a float for A, 0.14 for B, against 0.25 and 0.34 for the plain loops).
 * The ragged rest (p beyond the last whole VL, fewer than 8 rows at the edge) is copied by scalar loops.
 * The {@code *Reference} methods are the plain loops, kept for tests. Operands in heap arrays take the same
 * paths written over float[] ({@link GemmPackArrays}); these, over memory segments, serve native (mapped) memory.
 */
final class GemmPack {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = S.length();
    /** The transposing paths handle 128-, 256- and 512-bit vectors (VL = 4, 8, 16). */
    static final boolean TRANSPOSE = VL == 4 || VL == 8 || VL == 16;
    /** Eight floats as one vector (a 256-bit species, present wherever VL ≥ 8), for the MR-wide copies of a transposed A. */
    static final VectorSpecies<Float> S8 = VL >= 8 ? FloatVector.SPECIES_256 : S;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder LE = ByteOrder.nativeOrder();
    /** Lane i of zipLo(a, b) is a[i/2] for even i, b[i/2] for odd i; zipHi the same from the upper halves. */
    private static final FloatVector ZIP_LO = index(0), ZIP_HI = index(VL / 2);
    /** Lanes 0–7 and 8–15 (VL = 16 only: a row of 8 floats in either half of a vector). */
    private static final VectorMask<Float> LOW8 = VL == 16 ? S.indexInRange(0, 8) : null,
            HIGH8 = VL == 16 ? S.indexInRange(0, 16).andNot(S.indexInRange(0, 8)) : null;

    private GemmPack() {}

    private static FloatVector index(int from) {
        float[] idx = new float[VL];
        for (int i = 0; i < VL; i++) idx[i] = ((i & 1) == 0 ? 0 : VL) + from + i / 2;
        return FloatVector.fromArray(S, idx, 0);
    }

    static FloatVector zipLo(FloatVector a, FloatVector b) { return ZIP_LO.selectFrom(a, b); }

    static FloatVector zipHi(FloatVector a, FloatVector b) { return ZIP_HI.selectFrom(a, b); }

    /**
     * The float[] behind a heap segment and the element offset {@code off} lands on in it, or null for native
     * memory. Heap operands take {@link GemmPackArrays}' paths: they never call {@code fromMemorySegment}, whose
     * type profile is shared by every caller in the process, so mapped weights used elsewhere (a safetensors
     * file, an LLM) cannot make C2 compile the packing of ordinary tensors into megamorphic segment accesses.
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
        for (int is = 0; is < mb; is += mr) {
            int h = Math.min(mr, mb - is), base = is * kb, i = ic + is;
            if (tA) copyRowsA(mr, a, off + (long) pc * lda + i, lda, h, kb, ap, base);
            else if (h == mr && mr == 8 && TRANSPOSE) transposeA(a, off + (long) i * lda + pc, lda, kb, ap, base);
            else {                                                      // a memset when short, then h rows
                if (h < mr) java.util.Arrays.fill(ap, base, base + kb * mr, 0f);
                for (int r = 0; r < h; r++) {
                    long row = off + (long) (i + r) * lda + pc;
                    for (int p = 0; p < kb; p++) ap[base + p * mr + r] = a.getAtIndex(F, row + p);
                }
            }
        }
    }

    /** A transposed: per p, the h ≤ MR floats of stored row p (contiguous) land at dst + p·MR, zero-padded. */
    private static void copyRowsA(int mr, MemorySegment a, long src, int lda, int h, int kb, float[] ap, int dst) {
        if (h == mr && mr % S8.length() == 0) {
            for (int p = 0; p < kb; p++, src += lda, dst += mr)
                for (int v = 0; v < mr; v += S8.length())
                    FloatVector.fromMemorySegment(S8, a, (src + v) * 4, LE).intoArray(ap, dst + v);
            return;
        }
        for (int p = 0; p < kb; p++, src += lda, dst += mr) {
            for (int r = 0; r < h; r++) ap[dst + r] = a.getAtIndex(F, src + r);
            for (int r = h; r < mr; r++) ap[dst + r] = 0f;
        }
    }

    /** A row-major, a full strip of 8 rows (MR = 8) from src: 8×VL blocks transposed in registers, the last kb % VL columns scalar. */
    private static void transposeA(MemorySegment a, long src, int lda, int kb, float[] ap, int dst) {
        int p = 0;
        for (; p + VL <= kb; p += VL) transpose8(a, (src + p) * 4, 4L * lda, ap, dst + p * 8);
        for (; p < kb; p++)
            for (int r = 0; r < 8; r++) ap[dst + p * 8 + r] = a.getAtIndex(F, src + (long) r * lda + p);
    }

    /** Packs op(B)[pc:pc+kb, jc:jc+nc] as NR-wide strips from bp[bpOff]; inside a strip element (p, j) sits at p·NR + j. */
    static void packB(int nr, boolean tB, MemorySegment b, long off, int ldb, int pc, int kb, int jc, int nc, float[] bp, int bpOff) {
        int at = heapOffset(b, off);
        if (at >= 0) {
            GemmPackArrays.packB(nr, tB, heapArray(b), at, ldb, pc, kb, jc, nc, bp, bpOff);
            return;
        }
        for (int js = 0; js < nc; js += nr) {
            int w = Math.min(nr, nc - js), base = bpOff + js * kb, j = jc + js;
            if (!tB && w == nr && nr == 2 * VL) { // written out: a loop over the vectors of a row packed measurably slower
                for (int p = 0; p < kb; p++) {
                    long src = (off + (long) (pc + p) * ldb + j) * 4;
                    FloatVector.fromMemorySegment(S, b, src, LE).intoArray(bp, base + p * nr);
                    FloatVector.fromMemorySegment(S, b, src + 4L * VL, LE).intoArray(bp, base + p * nr + VL);
                }
            } else if (!tB && w == nr) {
                for (int p = 0; p < kb; p++) {
                    long src = (off + (long) (pc + p) * ldb + j) * 4;
                    for (int v = 0; v < nr; v += VL)
                        FloatVector.fromMemorySegment(S, b, src + 4L * v, LE).intoArray(bp, base + p * nr + v);
                }
            } else if (tB && TRANSPOSE) {
                transposeB(nr, b, off + (long) j * ldb + pc, ldb, w, kb, bp, base);
            } else {
                packBReference(nr, tB, b, off, ldb, pc, kb, j, w, bp, base);
            }
        }
    }

    /** B transposed, one strip of w ≤ NR stored rows from src: groups of 8 rows by 8×VL transposes, the rest scalar, zero-padded to NR. */
    private static void transposeB(int nr, MemorySegment b, long src, int ldb, int w, int kb, float[] bp, int dst) {
        int full = w - w % 8, pv = kb - kb % VL;
        if (w < nr) java.util.Arrays.fill(bp, dst, dst + kb * nr, 0f); // one memset, not NR − w strided columns
        for (int jj = 0; jj < full; jj += 8) {
            long row = src + (long) jj * ldb;
            for (int p = 0; p < pv; p += VL)
                if (nr == 8) transpose8(b, (row + p) * 4, 4L * ldb, bp, dst + p * nr + jj);
                else transpose8Strided(b, (row + p) * 4, 4L * ldb, bp, dst + p * nr + jj, nr);
            for (int r = 0; r < 8; r++)
                for (int p = pv; p < kb; p++) bp[dst + p * nr + jj + r] = b.getAtIndex(F, row + (long) r * ldb + p);
        }
        for (int jj = full; jj < w; jj++) {
            long row = src + (long) jj * ldb;
            for (int p = 0; p < kb; p++) bp[dst + p * nr + jj] = b.getAtIndex(F, row + p);
        }
    }

    /**
     * Transposes the 8×VL block of x at byte offset {@code at} (8 rows {@code ld} bytes apart, VL floats each) into
     * dst from dstOff in p-major order: element (r, p) at dstOff + p·8 + r (an A strip, or a B strip when NR = 8).
     * (Kept apart from {@link #transpose8Strided}: one method with both store patterns outgrows C1's registers, and a
     * method C1 gives up on at tier 3 stays in tier-1 code, never reaching C2.)
     */
    private static void transpose8(MemorySegment x, long at, long ld, float[] dst, int dstOff) {
        FloatVector v0 = FloatVector.fromMemorySegment(S, x, at, LE), v1 = FloatVector.fromMemorySegment(S, x, at + ld, LE);
        FloatVector v2 = FloatVector.fromMemorySegment(S, x, at + 2 * ld, LE), v3 = FloatVector.fromMemorySegment(S, x, at + 3 * ld, LE);
        FloatVector v4 = FloatVector.fromMemorySegment(S, x, at + 4 * ld, LE), v5 = FloatVector.fromMemorySegment(S, x, at + 5 * ld, LE);
        FloatVector v6 = FloatVector.fromMemorySegment(S, x, at + 6 * ld, LE), v7 = FloatVector.fromMemorySegment(S, x, at + 7 * ld, LE);
        // each round: new[2i] = zipLo(old[i], old[i+4]), new[2i+1] = zipHi(old[i], old[i+4])
        FloatVector w0 = zipLo(v0, v4), w1 = zipHi(v0, v4), w2 = zipLo(v1, v5), w3 = zipHi(v1, v5);
        FloatVector w4 = zipLo(v2, v6), w5 = zipHi(v2, v6), w6 = zipLo(v3, v7), w7 = zipHi(v3, v7);
        v0 = zipLo(w0, w4); v1 = zipHi(w0, w4); v2 = zipLo(w1, w5); v3 = zipHi(w1, w5);
        v4 = zipLo(w2, w6); v5 = zipHi(w2, w6); v6 = zipLo(w3, w7); v7 = zipHi(w3, w7);
        // last round, stored as it goes: vector q holds flat positions q·VL … q·VL+VL−1 of the p-major block
        zipLo(v0, v4).intoArray(dst, dstOff); zipHi(v0, v4).intoArray(dst, dstOff + VL);
        zipLo(v1, v5).intoArray(dst, dstOff + 2 * VL); zipHi(v1, v5).intoArray(dst, dstOff + 3 * VL);
        zipLo(v2, v6).intoArray(dst, dstOff + 4 * VL); zipHi(v2, v6).intoArray(dst, dstOff + 5 * VL);
        zipLo(v3, v7).intoArray(dst, dstOff + 6 * VL); zipHi(v3, v7).intoArray(dst, dstOff + 7 * VL);
    }

    /**
     * As {@link #transpose8}, but element (r, p) goes to dstOff + p·pitch + r with pitch = NR ≥ 8 (B strips): output
     * vector q holds positions q·VL … q·VL+VL−1 of the p-major block, i.e. half a p for VL = 4, one p for VL = 8, two
     * for VL = 16 (stored as two masked halves).
     */
    private static void transpose8Strided(MemorySegment x, long at, long ld, float[] dst, int dstOff, int pitch) {
        FloatVector v0 = FloatVector.fromMemorySegment(S, x, at, LE), v1 = FloatVector.fromMemorySegment(S, x, at + ld, LE);
        FloatVector v2 = FloatVector.fromMemorySegment(S, x, at + 2 * ld, LE), v3 = FloatVector.fromMemorySegment(S, x, at + 3 * ld, LE);
        FloatVector v4 = FloatVector.fromMemorySegment(S, x, at + 4 * ld, LE), v5 = FloatVector.fromMemorySegment(S, x, at + 5 * ld, LE);
        FloatVector v6 = FloatVector.fromMemorySegment(S, x, at + 6 * ld, LE), v7 = FloatVector.fromMemorySegment(S, x, at + 7 * ld, LE);
        FloatVector w0 = zipLo(v0, v4), w1 = zipHi(v0, v4), w2 = zipLo(v1, v5), w3 = zipHi(v1, v5);
        FloatVector w4 = zipLo(v2, v6), w5 = zipHi(v2, v6), w6 = zipLo(v3, v7), w7 = zipHi(v3, v7);
        v0 = zipLo(w0, w4); v1 = zipHi(w0, w4); v2 = zipLo(w1, w5); v3 = zipHi(w1, w5);
        v4 = zipLo(w2, w6); v5 = zipHi(w2, w6); v6 = zipLo(w3, w7); v7 = zipHi(w3, w7);
        storeRows(zipLo(v0, v4), 0, dst, dstOff, pitch); storeRows(zipHi(v0, v4), 1, dst, dstOff, pitch);
        storeRows(zipLo(v1, v5), 2, dst, dstOff, pitch); storeRows(zipHi(v1, v5), 3, dst, dstOff, pitch);
        storeRows(zipLo(v2, v6), 4, dst, dstOff, pitch); storeRows(zipHi(v2, v6), 5, dst, dstOff, pitch);
        storeRows(zipLo(v3, v7), 6, dst, dstOff, pitch); storeRows(zipHi(v3, v7), 7, dst, dstOff, pitch);
    }

    /** Output vector q of an 8×VL transpose (flat positions q·VL … of the p-major block) to its rows of dst, pitch apart. */
    static void storeRows(FloatVector v, int q, float[] dst, int dstOff, int pitch) {
        if (VL == 4) v.intoArray(dst, dstOff + (q >> 1) * pitch + (q & 1) * 4);
        else if (VL == 8) v.intoArray(dst, dstOff + q * pitch);
        else {
            int d = dstOff + 2 * q * pitch;
            v.intoArray(dst, d, LOW8);
            v.intoArray(dst, d + pitch - 8, HIGH8);
        }
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
