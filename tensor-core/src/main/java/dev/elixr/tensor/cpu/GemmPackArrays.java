package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;

import static dev.elixr.tensor.cpu.GemmPack.S;
import static dev.elixr.tensor.cpu.GemmPack.S8;
import static dev.elixr.tensor.cpu.GemmPack.TRANSPOSE;
import static dev.elixr.tensor.cpu.GemmPack.VL;
import static dev.elixr.tensor.cpu.GemmPack.zipHi;
import static dev.elixr.tensor.cpu.GemmPack.zipLo;

/**
 * The vector paths of {@link GemmPack}'s packing, over float[]: copies of stored rows, 8×VL register transposes
 * (three rounds of zips) and the strip layouts GemmPack's comment describes. Heap operands come here directly, native
 * (mapped) ones after GemmPack has bulk-copied their block into a scratch array: the JDK's segment accessors keep one
 * type profile for the whole process, and the segment-reading versions these replaced were compiled far worse in a
 * JVM that had run much else (megamorphic calls, permutes left to their Java fallback). Offsets and leading dimensions
 * are in floats. Same bits as {@link GemmPack#packAReference} / {@link GemmPack#packBReference} (GemmPackTest runs
 * heap, sliced-heap and native operands).
 */
final class GemmPackArrays {
    private GemmPackArrays() {}

    static void packA(int mr, boolean tA, float[] a, int off, int lda, int ic, int mb, int pc, int kb, float[] ap) {
        for (int is = 0; is < mb; is += mr) {
            int h = Math.min(mr, mb - is), base = is * kb, i = ic + is;
            if (tA) copyRowsA(mr, a, off + pc * lda + i, lda, h, kb, ap, base);
            else if (h == mr && mr == 8 && TRANSPOSE) transposeA(a, off + i * lda + pc, lda, kb, ap, base);
            else if (h == mr && mr == 5) transposeA5(a, off + i * lda + pc, lda, kb, ap, base);
            else if (h == mr && mr == 12 && TRANSPOSE) transposeA12(a, off + i * lda + pc, lda, kb, ap, base);
            else {
                if (h < mr) java.util.Arrays.fill(ap, base, base + kb * mr, 0f);
                for (int r = 0; r < h; r++) {
                    int row = off + (i + r) * lda + pc;
                    for (int p = 0; p < kb; p++) ap[base + p * mr + r] = a[row + p];
                }
            }
        }
    }

    private static void copyRowsA(int mr, float[] a, int src, int lda, int h, int kb, float[] ap, int dst) {
        if (h == mr && mr % S8.length() == 0) {
            for (int p = 0; p < kb; p++, src += lda, dst += mr)
                for (int v = 0; v < mr; v += S8.length())
                    FloatVector.fromArray(S8, a, src + v).intoArray(ap, dst + v);
            return;
        }
        if (h == mr && mr < S8.length() && S8.length() == 8 && kb > 1 && src + (long) (kb - 2) * lda + 8 <= a.length) {
            // MR < 8 (the 5×2 tile): 8 floats loaded and stored per k, the last 8 − MR of them overwritten by the next k's
            // store (strips are written front to back); the last k stored exactly, so nothing lands past the strip
            for (int p = 0; p < kb - 1; p++, src += lda, dst += mr) FloatVector.fromArray(S8, a, src).intoArray(ap, dst);
            for (int r = 0; r < mr; r++) ap[dst + r] = a[src + r];
            return;
        }
        for (int p = 0; p < kb; p++, src += lda, dst += mr) {
            for (int r = 0; r < h; r++) ap[dst + r] = a[src + r];
            for (int r = h; r < mr; r++) ap[dst + r] = 0f;
        }
    }

    private static void transposeA(float[] a, int src, int lda, int kb, float[] ap, int dst) {
        int p = 0;
        for (; p + VL <= kb; p += VL) transpose8(a, src + p, lda, ap, dst + p * 8);
        for (; p < kb; p++)
            for (int r = 0; r < 8; r++) ap[dst + p * 8 + r] = a[src + r * lda + p];
    }

    /**
     * A whole 12-row strip of a row-major A (the 12×2 tile of the A-strips-outer order): its first eight rows by 8×VL
     * register transposes stored 12 floats apart ({@link #transpose8Strided}), the last four k outer and rows inner, as
     * {@link #transposeA5}.
     */
    private static void transposeA12(float[] a, int src, int lda, int kb, float[] ap, int dst) {
        float[] scratch = transposeScratch();
        int p = 0;
        for (; p + VL <= kb; p += VL) transpose8Strided(a, src + p, lda, ap, dst + p * 12, 12, scratch);
        for (; p < kb; p++)
            for (int r = 0; r < 8; r++) ap[dst + p * 12 + r] = a[src + r * lda + p];
        int r8 = src + 8 * lda, r9 = r8 + lda, r10 = r9 + lda, r11 = r10 + lda;
        for (p = 0; p < kb; p++) {
            int d = dst + p * 12 + 8;
            ap[d] = a[r8 + p];
            ap[d + 1] = a[r9 + p];
            ap[d + 2] = a[r10 + p];
            ap[d + 3] = a[r11 + p];
        }
    }

    /**
     * A whole 5-row strip of a row-major A (the 5×2 tile of 16 vector registers): k outer, the five rows inner, so the
     * strip is written front to back as one run while the five rows are read as five streams (the row-by-row loop
     * stored every float 20 bytes after the last, 8% of the demo's ELIXR-C step on an AVX2 Zen 3).
     */
    private static void transposeA5(float[] a, int src, int lda, int kb, float[] ap, int dst) {
        int r1 = src + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda;
        for (int p = 0; p < kb; p++, dst += 5) {
            ap[dst] = a[src + p];
            ap[dst + 1] = a[r1 + p];
            ap[dst + 2] = a[r2 + p];
            ap[dst + 3] = a[r3 + p];
            ap[dst + 4] = a[r4 + p];
        }
    }

    static void packB(int nr, boolean tB, float[] b, int off, int ldb, int pc, int kb, int jc, int nc, float[] bp, int bpOff) {
        for (int js = 0; js < nc; js += nr) {
            int w = Math.min(nr, nc - js), base = bpOff + js * kb, j = jc + js;
            if (!tB && w == nr && nr == 2 * VL) {
                for (int p = 0; p < kb; p++) {
                    int src = off + (pc + p) * ldb + j;
                    FloatVector.fromArray(S, b, src).intoArray(bp, base + p * nr);
                    FloatVector.fromArray(S, b, src + VL).intoArray(bp, base + p * nr + VL);
                }
            } else if (!tB && w == nr) {
                for (int p = 0; p < kb; p++) {
                    int src = off + (pc + p) * ldb + j;
                    for (int v = 0; v < nr; v += VL) FloatVector.fromArray(S, b, src + v).intoArray(bp, base + p * nr + v);
                }
            } else if (tB && TRANSPOSE) {
                transposeB(nr, b, off + j * ldb + pc, ldb, w, kb, bp, base);
            } else {
                copyB(nr, tB, b, off, ldb, pc, kb, j, w, bp, base);
            }
        }
    }

    private static void transposeB(int nr, float[] b, int src, int ldb, int w, int kb, float[] bp, int dst) {
        int full = w - w % 8, pv = kb - kb % VL;
        if (w < nr) java.util.Arrays.fill(bp, dst, dst + kb * nr, 0f);
        float[] scratch = nr == 8 || full == 0 ? null : transposeScratch();
        for (int jj = 0; jj < full; jj += 8) {
            int row = src + jj * ldb;
            for (int p = 0; p < pv; p += VL)
                if (nr == 8) transpose8(b, row + p, ldb, bp, dst + p * nr + jj);
                else transpose8Strided(b, row + p, ldb, bp, dst + p * nr + jj, nr, scratch);
            for (int r = 0; r < 8; r++)
                for (int p = pv; p < kb; p++) bp[dst + p * nr + jj + r] = b[row + r * ldb + p];
        }
        for (int jj = full; jj < w; jj++) {
            int row = src + jj * ldb;
            for (int p = 0; p < kb; p++) bp[dst + p * nr + jj] = b[row + p];
        }
    }

    /** A ragged strip (w < NR, or no transposing path): the plain loops, zero columns beyond w. */
    private static void copyB(int nr, boolean tB, float[] b, int off, int ldb, int pc, int kb, int j, int w, float[] bp, int base) {
        for (int p = 0; p < kb; p++) {
            int dst = base + p * nr;
            for (int jj = 0; jj < w; jj++) bp[dst + jj] = tB ? b[off + (j + jj) * ldb + pc + p] : b[off + (pc + p) * ldb + j + jj];
            for (int jj = w; jj < nr; jj++) bp[dst + jj] = 0f;
        }
    }

    /** {@link GemmPack}'s 8×VL transpose (three rounds of zips), rows {@code ld} floats apart, p-major into dst. */
    private static void transpose8(float[] x, int at, int ld, float[] dst, int dstOff) {
        FloatVector v0 = FloatVector.fromArray(S, x, at), v1 = FloatVector.fromArray(S, x, at + ld);
        FloatVector v2 = FloatVector.fromArray(S, x, at + 2 * ld), v3 = FloatVector.fromArray(S, x, at + 3 * ld);
        FloatVector v4 = FloatVector.fromArray(S, x, at + 4 * ld), v5 = FloatVector.fromArray(S, x, at + 5 * ld);
        FloatVector v6 = FloatVector.fromArray(S, x, at + 6 * ld), v7 = FloatVector.fromArray(S, x, at + 7 * ld);
        FloatVector w0 = zipLo(v0, v4), w1 = zipHi(v0, v4), w2 = zipLo(v1, v5), w3 = zipHi(v1, v5);
        FloatVector w4 = zipLo(v2, v6), w5 = zipHi(v2, v6), w6 = zipLo(v3, v7), w7 = zipHi(v3, v7);
        v0 = zipLo(w0, w4); v1 = zipHi(w0, w4); v2 = zipLo(w1, w5); v3 = zipHi(w1, w5);
        v4 = zipLo(w2, w6); v5 = zipHi(w2, w6); v6 = zipLo(w3, w7); v7 = zipHi(w3, w7);
        zipLo(v0, v4).intoArray(dst, dstOff); zipHi(v0, v4).intoArray(dst, dstOff + VL);
        zipLo(v1, v5).intoArray(dst, dstOff + 2 * VL); zipHi(v1, v5).intoArray(dst, dstOff + 3 * VL);
        zipLo(v2, v6).intoArray(dst, dstOff + 4 * VL); zipHi(v2, v6).intoArray(dst, dstOff + 5 * VL);
        zipLo(v3, v7).intoArray(dst, dstOff + 6 * VL); zipHi(v3, v7).intoArray(dst, dstOff + 7 * VL);
    }

    /**
     * As {@link #transpose8} with element (r, p) at dstOff + p·pitch + r (B strips wider than 8): the block goes
     * p-major into {@code scratch} (8·VL floats, the caller's) and from there a row of 8 floats per p to dst. Not stored
     * from registers row by row: with those stores written out the method outgrew C2's inlining budget
     * (NodeCountInliningCutoff) in the ELIXR-C training step, and every vector passed to a store not inlined was boxed —
     * a quarter of the bytes the step allocated on AVX-512, and 64 bytes a call on AVX2. Through scratch: 0.14 ns a float
     * against 0.16 (AVX2 code path) and 0.22–0.33 either way on AVX-512 (scratch harness, pitch 16 and 32).
     */
    static void transpose8Strided(float[] x, int at, int ld, float[] dst, int dstOff, int pitch, float[] scratch) {
        transpose8(x, at, ld, scratch, 0);
        for (int p = 0; p < VL; p++)
            for (int r = 0; r < 8; r += S8.length())
                FloatVector.fromArray(S8, scratch, p * 8 + r).intoArray(dst, dstOff + p * pitch + r);
    }

    /** Scratch for {@link #transpose8Strided}: one 8×VL block. */
    static float[] transposeScratch() { return new float[8 * VL]; }
}
