package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Single-precision GEMM, row-major: C = alpha · op(A) · op(B) + beta · C, op(X) = X or Xᵀ.
 *
 * <p>Blocking, after Goto and van de Geijn, "Anatomy of high-performance matrix multiplication" (TOMS 2008):
 * <pre>
 *   threads split the columns of C (N) into NR-aligned ranges (the rows, when N is too narrow)
 *   for pc over K in blocks of KC (≤ 256):                  B panel KC×NC packed once, streamed from L2/L3
 *     for jc over the thread's N range in blocks of NC (≤ 4096):
 *       pack B[pc:pc+KC, jc:jc+NC] into NR-wide strips (k-major inside a strip, zero-padded)
 *       for ic over M in blocks of MC (≈ 240, chosen so no thin remainder block is left):
 *         pack A[ic:ic+MC, pc:pc+KC] into MR-tall strips                A block stays in L2
 *         for each NR strip of B (its KC×NR sliver stays in L1), for each MR strip of A:
 *           micro-kernel: an MR×NR tile of C held in 2·MR vector registers over the KC loop
 * </pre>
 * Vector strategy: NR = 2 vectors, MR = 8 rows, so the tile is 8×32 with 512-bit vectors (16 zmm
 * accumulators, 2 B vectors, 1 broadcast of A: 19 of 32 registers; per k, 16 FMAs against 2 loads and 8
 * broadcasts). The species comes from {@link Simd} ({@code -Delixr.vector.bits}); 256- and 128-bit
 * give 8×16 and 8×8 tiles with the same code. The tile goes through a small L1 scratch on its way to C
 * (vector merge with alpha and beta; scalar at the edges). beta is applied on the first K block only
 * (beta = 0 never reads C, so C may hold garbage).
 *
 * <p>Special shapes: M = 1 or N = 1 (batch-1 decode, matrix–vector) take a bandwidth-bound path that
 * reads the matrix exactly once (dot products along a contiguous K, or row combinations along a
 * contiguous N); products under {@link #PARALLEL_FLOPS} run on the calling thread with thread-local
 * packing buffers, and tiny ones (≤ {@link #TINY} multiply-adds) as scalar dot products. Attention uses
 * {@link #gemmPackedB}: B packed once and reused, A read in place. Operands are {@link MemorySegment}s so
 * that memory-mapped weights need no copy; heap arrays go through {@link MemorySegment#ofArray(float[])}.
 *
 * <p>Packing ({@link GemmPack}) is vectorised for all four transposes: the two whose stored rows run along
 * K (a row-major A, a transposed B) by 8×VL in-register transposes, the other two by plain vector copies.
 * A·Bᵀ with N ≤ NR/2 and K ≥ 1024 on heap operands (a first conv layer's weight gradient, 16×9 over
 * K = N·H·W) skips packing and padding altogether: {@link SgemmDot}, dot products along K.
 *
 * <p>Measured limits (see bench/): the micro-kernel alone reaches ≈ 94% of one core's FMA peak on
 * L1/L2-resident panels; what remains is the B panel streaming from L3 on wide N, 2-thread scaling, and
 * the transposing packs themselves (≈ 0.1–0.15 ns a float, permute-bound), still a third or more of
 * A·Bᵀ with small M and long K (conv weight gradients with 32–64 output channels).
 */
public final class Sgemm {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = S.length();
    /** Micro-tile rows (broadcasts of A) and columns (two vectors of B). */
    static final int MR = 8, NR = 2 * VL;
    /** Cache blocks (tunable for experiments through {@code -Delixr.sgemm.kc/mc/nc}). */
    static final int KC = Integer.getInteger("elixr.sgemm.kc", 256), MC = Integer.getInteger("elixr.sgemm.mc", 240),
            NC = Sgemm.roundUp(Integer.getInteger("elixr.sgemm.nc", 4096), 2 * Simd.F.length());
    /** Below this many flops a product runs on the calling thread. */
    static final long PARALLEL_FLOPS = 4L << 20;
    /** Up to this many multiply-adds a product runs as plain scalar dot products. */
    static final long TINY = 4096;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private Sgemm() {}

    /** C = alpha·op(A)·op(B) + beta·C on heap arrays; offsets and leading dimensions in elements. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, MemorySegment.ofArray(a), aOff, lda,
                MemorySegment.ofArray(b), bOff, ldb, beta, c, cOff, ldc, Parallel.threads());
    }

    /** As {@link #sgemm(boolean, boolean, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int)}, B from a (possibly memory-mapped) segment of float32. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, MemorySegment b, long bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, MemorySegment.ofArray(a), aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, Parallel.threads());
    }

    /** On the calling thread only (for callers that already run in parallel, e.g. attention tiles). */
    public static void sgemmSerial(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, MemorySegment.ofArray(a), aOff, lda,
                MemorySegment.ofArray(b), bOff, ldb, beta, c, cOff, ldc, 1);
    }

    /** The general entry: segments of float32 for A and B (offsets in elements), heap C, at most {@code threads} threads. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc, int threads) {
        check("A", transA, m, k, a, aOff, lda);
        check("B", transB, k, n, b, bOff, ldb);
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("sgemm: negative size M=" + m + " N=" + n + " K=" + k);
        if (ldc < Math.max(1, n) || (m > 0 && n > 0 && cOff + (long) (m - 1) * ldc + n > c.length))
            throw new IllegalArgumentException("sgemm: C of " + m + "x" + n + " with ldc=" + ldc + " at offset " + cOff
                    + " does not fit in an array of " + c.length);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if ((long) m * n * k <= TINY) {
            tiny(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int t = 2L * m * n * k < PARALLEL_FLOPS ? 1 : Math.max(1, Math.min(threads, Parallel.threads()));
        if (m == 1 || n == 1) {
            Gemv.gemv(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, t);
            return;
        }
        if (!transA && transB && SgemmDot.suits(m, n, k) && heapArray(a) instanceof float[] ah && heapArray(b) instanceof float[] bh) {
            SgemmDot.gemm(m, n, k, alpha, ah, Math.toIntExact(a.address() / 4 + aOff), lda, bh, Math.toIntExact(b.address() / 4 + bOff), ldb,
                    beta, c, cOff, ldc, t);
            return;
        }
        int nStrips = (n + NR - 1) / NR, mStrips = (m + MR - 1) / MR;
        if (t == 1) {
            blocked(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (nStrips >= 2 * t || nStrips >= mStrips) {
            Parallel.forRange(nStrips, 1, (s, e) -> blocked(transA, transB, 0, m, s * NR, Math.min(n, e * NR), k,
                    alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
        } else {
            Parallel.forRange(mStrips, 1, (s, e) -> blocked(transA, transB, s * MR, Math.min(m, e * MR), 0, n, k,
                    alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
        }
    }

    /** The float[] behind a heap segment of floats (its address is then a byte offset into it), else null. */
    private static float[] heapArray(MemorySegment s) {
        return s.heapBase().orElse(null) instanceof float[] f ? f : null;
    }

    private static void check(String name, boolean trans, int rows, int cols, MemorySegment x, long off, int ld) {
        int storedRows = trans ? cols : rows, storedCols = trans ? rows : cols;
        if (storedRows <= 0 || storedCols <= 0) return;
        if (ld < storedCols)
            throw new IllegalArgumentException("sgemm: leading dimension of " + name + " is " + ld + " but a stored row has "
                    + storedCols + " elements" + (trans ? " (" + name + " transposed)" : ""));
        long last = off + (long) (storedRows - 1) * ld + storedCols;
        if (off < 0 || last * 4 > x.byteSize())
            throw new IllegalArgumentException("sgemm: " + name + " of " + storedRows + "x" + storedCols + " (ld " + ld
                    + ", offset " + off + ") needs " + last + " floats but its storage has " + x.byteSize() / 4);
    }

    /**
     * Tiny products (M·N·K ≤ {@link #TINY}): plain dot products. Packing would cost more than it saves, and
     * before C2 has compiled the vector kernels (the first seconds of a JVM, most unit tests) scalar code
     * is far faster than boxed vectors.
     */
    private static void tiny(boolean tA, boolean tB, int m, int n, int k, float alpha, MemorySegment a, long aOff, int lda,
                             MemorySegment b, long bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        long ai = tA ? lda : 1, ap = tA ? 1 : lda, bp = tB ? 1 : ldb, bj = tB ? ldb : 1; // strides of (row, k) and (k, col)
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float s = 0f;
                long x = aOff + i * ap, y = bOff + j * bj;
                for (int p = 0; p < k; p++) s += a.getAtIndex(F, x + p * ai) * b.getAtIndex(F, y + p * bp);
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? alpha * s : alpha * s + beta * c[ci];
            }
    }

    /** C = beta·C (beta = 0 writes zeros without reading C). */
    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? 0f : beta * c[row + j];
        }
    }

    /** Rows [i0,i1) × columns [j0,j1) of C, on this thread. */
    private static void blocked(boolean tA, boolean tB, int i0, int i1, int j0, int j1, int k, float alpha,
                                MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        int m = i1 - i0;
        int kc = evenBlock(k, KC, 1), mc = evenBlock(m, MC, MR), ncMax = Math.min(NC, roundUp(j1 - j0, NR));
        Buffers buf = BUFFERS.get();
        float[] ap = buf.a(mc * kc), bp = buf.b(ncMax * kc), tile = buf.tile;
        for (int pc = 0; pc < k; pc += kc) {
            int kb = Math.min(kc, k - pc);
            float betaK = pc == 0 ? beta : 1f;
            for (int jc = j0; jc < j1; jc += NC) {
                int nc = Math.min(NC, j1 - jc);
                packB(tB, b, bOff, ldb, pc, kb, jc, nc, bp);
                for (int ic = i0; ic < i1; ic += mc) {
                    int mb = Math.min(mc, i1 - ic);
                    packA(tA, a, aOff, lda, ic, mb, pc, kb, ap);
                    macro(ap, bp, mb, nc, kb, alpha, betaK, c, cOff + ic * ldc + jc, ldc, tile);
                }
            }
        }
    }

    /** Block size ≤ target (a multiple of align) that splits n into equal blocks, so no thin remainder is left. */
    static int evenBlock(int n, int target, int align) {
        int blocks = Math.max(1, (n + target - 1) / target);
        return roundUp((n + blocks - 1) / blocks, align);
    }

    static int roundUp(int x, int a) { return (x + a - 1) / a * a; }

    private static void macro(float[] ap, float[] bp, int mb, int nb, int kb, float alpha, float beta,
                              float[] c, int cBase, int ldc, float[] tile) {
        for (int jr = 0; jr < nb; jr += NR) {
            int nr = Math.min(NR, nb - jr);
            for (int ir = 0; ir < mb; ir += MR) {
                kernel(ap, ir * kb, bp, jr * kb, kb, tile);
                merge(tile, Math.min(MR, mb - ir), nr, alpha, beta, c, cBase + ir * ldc + jr, ldc);
            }
        }
    }

    /**
     * C[m×n] = alpha·A·B + beta·C on the calling thread, for small blocks whose B was packed once by
     * {@link #packB(boolean, float[], int, int, int, int, float[], int)} and is reused many times (attention:
     * Kᵀ and V of a head). A (row-major, m×k) is read in place, without packing; k is one K block.
     */
    static void gemmPackedB(float[] a, int aOff, int lda, int m, float[] bp, int bpOff, int n, int k,
                            float alpha, float beta, float[] c, int cOff, int ldc) {
        Buffers buf = BUFFERS.get();
        float[] tile = buf.tile;
        int full = m - m % MR;
        if (full < m) { // the last rows, zero-padded to MR in a scratch
            float[] edge = buf.a(MR * k);
            java.util.Arrays.fill(edge, 0, MR * k, 0f);
            for (int r = full; r < m; r++) System.arraycopy(a, aOff + r * lda, edge, (r - full) * k, k);
        }
        for (int jr = 0; jr < n; jr += NR) {
            int nr = Math.min(NR, n - jr);
            for (int ir = 0; ir < m; ir += MR) {
                if (ir < full) kernelRows(a, aOff + ir * lda, lda, bp, bpOff + jr * k, k, tile);
                else kernelRows(buf.a, 0, k, bp, bpOff + jr * k, k, tile);
                merge(tile, Math.min(MR, m - ir), nr, alpha, beta, c, cOff + ir * ldc + jr, ldc);
            }
        }
    }

    /** The micro-kernel with A read in place: row r of the 8 at ai + r·lda (broadcast from 8 short streams). */
    private static void kernelRows(float[] a, int ai, int lda, float[] bp, int bi, int kb, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        int a0 = ai, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int p = 0; p < kb; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[a6 + p]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[a7 + p]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, VL);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + VL);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + VL);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + VL);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + VL);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + VL);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + VL);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + VL);
    }

    /**
     * The MR×NR micro-kernel: 16 accumulators live in vector registers across the whole K loop, then
     * land in the L1-resident tile (kept out of C so that the loop body stays small enough for C2).
     */
    private static void kernel(float[] ap, int ai, float[] bp, int bi, int kb, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kb; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, VL);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + VL);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + VL);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + VL);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + VL);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + VL);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + VL);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + VL);
    }

    /** C[0:mr, 0:nr] = alpha·tile + beta·C (beta = 0: C is not read). */
    private static void merge(float[] tile, int mr, int nr, float alpha, float beta, float[] c, int ci, int ldc) {
        if (nr == NR) {
            for (int r = 0; r < mr; r++, ci += ldc)
                for (int v = 0; v < NR; v += VL) {
                    FloatVector x = FloatVector.fromArray(S, tile, r * NR + v).mul(alpha);
                    if (beta != 0f) x = FloatVector.fromArray(S, c, ci + v).mul(beta).add(x);
                    x.intoArray(c, ci + v);
                }
        } else {
            for (int r = 0; r < mr; r++, ci += ldc)
                for (int j = 0; j < nr; j++) {
                    float x = alpha * tile[r * NR + j];
                    c[ci + j] = beta == 0f ? x : x + beta * c[ci + j];
                }
        }
    }

    /** Packs op(B)[pc:pc+kb, jc:jc+nc] as NR-wide strips ({@link GemmPack#packB}). */
    private static void packB(boolean tB, MemorySegment b, long off, int ldb, int pc, int kb, int jc, int nc, float[] bp) {
        GemmPack.packB(tB, b, off, ldb, pc, kb, jc, nc, bp, 0);
    }

    /** Packs op(B)[0:k, 0:n] (B a heap array) into bp from bpOff: roundUp(n, NR)·k floats, for {@link #gemmPackedB}. */
    static void packB(boolean tB, float[] b, int off, int ldb, int k, int n, float[] bp, int bpOff) {
        GemmPack.packB(tB, MemorySegment.ofArray(b), off, ldb, 0, k, 0, n, bp, bpOff);
    }

    /** Packs op(A)[ic:ic+mb, pc:pc+kb] as MR-tall strips ({@link GemmPack#packA}). */
    private static void packA(boolean tA, MemorySegment a, long off, int lda, int ic, int mb, int pc, int kb, float[] ap) {
        GemmPack.packA(tA, a, off, lda, ic, mb, pc, kb, ap);
    }

    /** Per-thread packing buffers, grown on demand and reused across calls. */
    private static final class Buffers {
        float[] a = new float[0], b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] a(int n) { if (a.length < n) a = new float[n]; return a; }
        float[] b(int n) { if (b.length < n) b = new float[n]; return b; }
    }
}
