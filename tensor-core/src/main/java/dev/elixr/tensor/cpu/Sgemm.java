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
 *   for pc over K in blocks of KC:                          B panel KC×NC packed once, streamed from L2/L3
 *     for jc over the thread's N range in blocks of NC:
 *       pack B[pc:pc+KC, jc:jc+NC] into NR-wide strips (k-major inside a strip, zero-padded)
 *       for ic over M in blocks of MC (chosen so no thin remainder block is left):
 *         pack A[ic:ic+MC, pc:pc+KC] into MR-tall strips                A block stays in L2
 *         for each NR strip of B (its KC×NR sliver stays in L1), for each MR strip of A:
 *           micro-kernel: an MR×NR tile of C held in vector registers over the KC loop
 *         (a thread's rows fit one MC block: each KC×NR strip of B is packed right before the tiles that read it,
 *          {@link #macroByStrips}, as no other block of A will read it again)
 *         (K over several blocks and a thread's C of {@link GemmPlan#rowsOuterC()} floats or more, a panel wide or
 *          more: for pc, for ic in blocks of {@link GemmPlan#mcRows()} (A packed once), for jc in panels of
 *          {@link GemmPlan#ncRows()} (the panel in L2), each MR strip of A in L1 across the panel's NR strips; the rows
 *          that are whole tiles of a taller tile too go first to that tile at its own KC, {@link GemmPlan#wholeTiles()})
 * </pre>
 * Vector strategy: the tile (MR rows × NV vectors, NR = NV·VL) and the blocks KC, MC, NC come from a {@link GemmPlan}
 * chosen for the machine at start-up: 5×2 vectors on 16 vector registers (AVX2: 10 ymm accumulators, 2 B vectors,
 * broadcasts of A; the 6×2 tile of hand-written BLAS spills under C2), 8×2 on 32 (AVX-512: 16 zmm accumulators); per
 * k, MR·NV FMAs against NV loads and MR broadcasts.
 * Each tile shape is its own {@link MicroKernel} class with constant bounds. The species comes from {@link Simd}
 * ({@code -Delixr.vector.bits}). A whole tile with alpha = 1 and beta = 0 (the common case: a fresh output, first K
 * block) is stored by the micro-kernel straight into C, and with alpha = 1 and beta = 1 (every later K block, gradient
 * accumulation) its accumulators start from C's tile and go back to it; any other goes through a small L1 scratch on
 * its way to C (vector merge with alpha and beta; scalar at the edges). beta is applied on the first K block only (beta = 0 never reads C, so C may hold
 * garbage). Every entry takes the machine's plan; {@link #sgemm(GemmPlan, boolean, boolean, int, int, int, float,
 * MemorySegment, long, int, MemorySegment, long, int, float, float[], int, int, int)} takes any other (tests run
 * every tile on every machine).
 *
 * <p>Special shapes: M = 1 or N = 1 (batch-1 decode, matrix–vector) take a bandwidth-bound path that
 * reads the matrix exactly once (dot products along a contiguous K, or row combinations along a
 * contiguous N); products under {@link #PARALLEL_FLOPS} run on the calling thread with thread-local
 * packing buffers, and tiny ones (≤ {@link #TINY} multiply-adds) as scalar dot products. Attention uses
 * {@link #gemmPackedB}: B packed once and reused, A read in place; so do 1×1 convolutions ({@link PointwiseConv}:
 * the weights as A, never packed); so do narrow products on 16 vector registers ({@link GemmPlan#inPlaceN()}: N ≤ 64
 * with a row-major heap A, where packing the 5×2 tile's strips would cost a fifth of the time). Operands are {@link MemorySegment}s so
 * that memory-mapped weights need no whole copy (packing stages only the block it reads); heap arrays go through
 * {@link MemorySegment#ofArray(float[])}.
 *
 * <p>A B that many products share and none changes (a weight at inference) can be packed once: {@link PackedMatrix} holds
 * every K block's strips, and {@link #sgemm(boolean, int, float, MemorySegment, long, int, PackedMatrix, float, float[],
 * int, int, int)} points each panel at them instead of packing (the same bits; x·Wᵀ with a ViT-B weight, AVX-512 Xeon,
 * against packing by strips: 197 rows 1.07–1.14× faster, 32–64 rows 1.35–1.7×, 8 rows 2.3–2.6×).
 *
 * <p>Packing ({@link GemmPack}) is vectorised for all four transposes: the two whose stored rows run along
 * K (a row-major A, a transposed B) by 8×VL in-register transposes, the other two by plain vector copies.
 * A·Bᵀ with N ≤ NR/2 and K ≥ 1024 on heap operands (a first conv layer's weight gradient, 16×9 over
 * K = N·H·W) skips packing and padding altogether: {@link SgemmDot}, dot products along K.
 *
 * <p>Packed B strips start on a 64-byte cache line ({@link CacheLines}: the packing buffer's address is read for every
 * product and B packed from the first element on a line), so that none of the micro-kernel's vector loads of B spans
 * two lines. One thread, AVX-512 Xeon, the A-strips-outer loop over a 2048-wide C alone: 149–166 GFLOP/s with the
 * strips on a line against 128–143 at the seven other offsets the JVM may give the buffer. With that and MC at most
 * 256 ({@link GemmPlan}), `bench gemm`'s 1024³, 2048³ and 6304×768×3072 went from 0.79–0.89 of numpy to 0.91–0.98 on
 * one thread and 0.81–0.95 on two (docs/results.md, session 31).
 *
 * <p>Measured limits (docs/results.md, sessions 29–30, AVX-512 Xeon, one thread, before B was put on lines): the 8×2
 * micro-kernel alone reaches ≈ 78% of the probed FMA peak on L1-resident panels (12×2 ≈ 84%; C2 compiles the 8×2 loop
 * with about seven integer instructions beside a k's 16 FMAs and 10 loads); the A-strips-outer loop ran 151–156
 * GFLOP/s with C's tiles cached against 138–145 with C in place, and Java has no prefetch instruction to hide C's
 * loads. The transposing packs cost ≈ 0.25 ns a float in cache against ≈ 0.1 for plain copies: a third or more of
 * A·Bᵀ with small M and long K (conv weight gradients with 32–64 output channels).
 */
public final class Sgemm {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = S.length();
    /** This machine's plan: micro-tile rows (broadcasts of A) and columns (NV vectors of B), cache blocks. */
    static final GemmPlan PLAN = GemmPlan.DEFAULT;
    /**
     * The tile of the entries that read A in place ({@link MicroKernel#rows}: {@link #gemmPackedB}, attention,
     * {@link PointwiseConv}): the plan's when it is two vectors wide and keeps its accumulators in registers from zero,
     * else the two-vector tile that fits the machine (4×2 on 16 registers: the plan's 5×2 spills when every tile starts
     * from zero, as {@code rows} always does; see {@link Kernel5x2}), so that its width {@link #NR} = 2·VL divides
     * {@link FlashAttention}'s key block.
     */
    static final MicroKernel ROWS = PLAN.kernel().nv() == 2 && !(PLAN.kernel() instanceof Kernel5x2) ? PLAN.kernel()
            : GemmPlan.chooseTwoVectors(MachineProfile.current().registers());
    /** The tile of the attention entries: {@link #ROWS}. */
    static final MicroKernel ATTENTION = ROWS;
    /** Width of the strips {@link #packB(boolean, float[], int, int, int, int, float[], int)} packs for {@link #gemmPackedB}. */
    static final int NR = ATTENTION.nr();
    /**
     * Products with one block of rows pack B a strip at a time, right before its tiles ({@link #macroByStrips}); {@code
     * -Delixr.gemm.stripPack=false} packs the whole panel first, as larger products do.
     */
    static final boolean STRIP_PACK = Boolean.parseBoolean(System.getProperty("elixr.gemm.stripPack", "true"));
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
        sgemm(PLAN, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, threads);
    }

    /** As the general entry, with the given plan instead of this machine's (tests and benchmarks of every tile). */
    public static void sgemm(GemmPlan plan, boolean transA, boolean transB, int m, int n, int k, float alpha,
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
        if (dotSuits(plan, transA, transB, m, n, k, a, b)) {
            SgemmDot.gemm(m, n, k, alpha, heapArray(a), Math.toIntExact(a.address() / 4 + aOff), lda, heapArray(b),
                    Math.toIntExact(b.address() / 4 + bOff), ldb, beta, c, cOff, ldc, t);
            return;
        }
        split(plan, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, beta, c, cOff, ldc, t);
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C with op(B) packed beforehand ({@link PackedMatrix}: a weight shared by many products),
     * on at most {@code threads} threads: the same bits as the general entry on B's source with the packing's plan. Products
     * that would not pack B (one row or column, tiny ones, {@link SgemmDot}'s) run the general entry on the source.
     */
    public static void sgemm(boolean transA, int m, float alpha, MemorySegment a, long aOff, int lda, PackedMatrix b,
                             float beta, float[] c, int cOff, int ldc, int threads) {
        GemmPlan plan = b.plan();
        int n = b.n(), k = b.k();
        boolean transB = b.transposed();
        if (m <= 1 || alpha == 0f || (long) m * n * k <= TINY || n == 1 || dotSuits(plan, transA, transB, m, n, k, a, b.source())) {
            sgemm(plan, transA, transB, m, n, k, alpha, a, aOff, lda, b.source(), b.sourceOffset(), b.ld(), beta, c, cOff, ldc, threads);
            return;
        }
        check("A", transA, m, k, a, aOff, lda);
        if (ldc < n || cOff < 0 || cOff + (long) (m - 1) * ldc + n > c.length)
            throw new IllegalArgumentException("sgemm: C of " + m + "x" + n + " with ldc=" + ldc + " at offset " + cOff
                    + " does not fit in an array of " + c.length);
        int t = 2L * m * n * k < PARALLEL_FLOPS ? 1 : Math.max(1, Math.min(threads, Parallel.threads()));
        split(plan, transA, transB, m, n, k, alpha, a, aOff, lda, b.source(), b.sourceOffset(), b.ld(), b, beta, c, cOff, ldc, t);
    }

    /** Whether the general entry hands this product to {@link SgemmDot} (dot products along K, nothing packed). */
    private static boolean dotSuits(GemmPlan plan, boolean transA, boolean transB, int m, int n, int k, MemorySegment a, MemorySegment b) {
        return !transA && transB && SgemmDot.suits(m, n, k, plan.nr()) && heapArray(a) != null && heapArray(b) != null;
    }

    /** The blocked product on t threads: each a range of C's columns (NR strips), or of its rows when N is too narrow. */
    private static void split(GemmPlan plan, boolean transA, boolean transB, int m, int n, int k, float alpha,
                              MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb, PackedMatrix packed,
                              float beta, float[] c, int cOff, int ldc, int t) {
        int mr = plan.mr(), nr = plan.nr(), nStrips = (n + nr - 1) / nr, mStrips = (m + mr - 1) / mr;
        if (t == 1) {
            blocked(plan, transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, packed, beta, c, cOff, ldc);
        } else if (nStrips >= 2 * t || nStrips >= mStrips) {
            Parallel.forRange(nStrips, 1, (s, e) -> blocked(plan, transA, transB, 0, m, s * nr, Math.min(n, e * nr), k,
                    alpha, a, aOff, lda, b, bOff, ldb, packed, beta, c, cOff, ldc));
        } else {
            Parallel.forRange(mStrips, 1, (s, e) -> blocked(plan, transA, transB, s * mr, Math.min(m, e * mr), 0, n, k,
                    alpha, a, aOff, lda, b, bOff, ldb, packed, beta, c, cOff, ldc));
        }
    }

    /** The float[] behind a heap segment of floats (its address is then a byte offset into it), else null. */
    private static float[] heapArray(MemorySegment s) {
        return s.heapBase().orElse(null) instanceof float[] f ? f : null;
    }

    static void check(String name, boolean trans, int rows, int cols, MemorySegment x, long off, int ld) {
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

    /** Rows [i0,i1) × columns [j0,j1) of C, on this thread; B's panels from {@code packed} when it is given. */
    private static void blocked(GemmPlan plan, boolean tA, boolean tB, int i0, int i1, int j0, int j1, int k, float alpha,
                                MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb, PackedMatrix packed,
                                float beta, float[] c, int cOff, int ldc) {
        int m = i1 - i0, mr = plan.mr(), nr = plan.nr();
        int kc = evenBlock(k, plan.kc(), 1), ncBlock = plan.nc();
        Buffers buf = BUFFERS.get();
        if (k > plan.kc() && j1 - j0 >= plan.ncRows() && (long) m * (j1 - j0) >= plan.rowsOuterC()) {
            GemmPlan.WholeTiles w = plan.wholeTiles();
            int whole = wholeTileRows(plan, m, j1 - j0, alpha, beta, packed);
            if (whole > 0)
                rowsOuter(w.kernel(), w.nc(), w.mc(), tA, tB, i0, i0 + whole, j0, j1, k, evenBlock(k, w.kc(), 1), alpha,
                        a, aOff, lda, b, bOff, ldb, null, beta, c, cOff, ldc, buf);
            if (whole < m) // the rows left over (fewer than 24 after whole tiles) pack B's panels once more for themselves
                rowsOuter(plan.kernel(), plan.ncRows(), plan.mcRows(), tA, tB, i0 + whole, i1, j0, j1, k, kc, alpha,
                        a, aOff, lda, b, bOff, ldb, packed, beta, c, cOff, ldc, buf);
            return;
        }
        int mc = evenBlock(m, plan.mc(), mr), ncMax = Math.min(ncBlock, roundUp(j1 - j0, nr));
        float[] ah = beta == 0f && k <= kc ? inPlaceA(plan, tA, j1 - j0, a, aOff) : null;
        float[] ap = ah != null ? null : buf.a(mc * kc), bp = packed != null ? packed.data() : buf.b(ncMax * kc), tile = buf.tile(mr * nr);
        int aAt = ah != null ? GemmPack.heapOffset(a, aOff) : 0, mcRows = roundUp(mc, ROWS.mr()), bo = CacheLines.floatsToLine(bp);
        for (int pc = 0; pc < k; pc += kc) {
            int kb = Math.min(kc, k - pc);
            float betaK = pc == 0 ? beta : 1f;
            for (int jc = j0; jc < j1; jc += ncBlock) {
                int nc = Math.min(ncBlock, j1 - jc);
                if (packed == null && ah == null && STRIP_PACK && m <= mc) { // one block of rows: each strip of B is read once
                    GemmPack.packA(mr, tA, a, aOff, lda, i0, m, pc, kb, ap);
                    macroByStrips(plan.kernel(), tB, b, bOff, ldb, pc, kb, jc, ap, m, nc, alpha, betaK, c, cOff + i0 * ldc + jc, ldc, bp, bo, tile);
                    continue;
                }
                if (packed != null) bo = packed.blockOffset(pc) + jc * kb; // the panel's first strip, packed beforehand
                else GemmPack.packB(nr, tB, b, bOff, ldb, pc, kb, jc, nc, bp, bo);
                if (ah != null) { // A read in place, MC rows at a time (its block stays in L2)
                    for (int ic = i0; ic < i1; ic += mcRows)
                        gemmPackedB(ROWS, ah, aAt + ic * lda + pc, lda, Math.min(mcRows, i1 - ic), bp, bo, nc, kb, alpha, betaK,
                                c, cOff + ic * ldc + jc, ldc);
                    continue;
                }
                for (int ic = i0; ic < i1; ic += mc) {
                    int mb = Math.min(mc, i1 - ic);
                    GemmPack.packA(mr, tA, a, aOff, lda, ic, mb, pc, kb, ap);
                    macro(plan.kernel(), ap, bp, bo, mb, nc, kb, alpha, betaK, c, cOff + ic * ldc + jc, ldc, tile, false);
                }
            }
        }
    }

    /**
     * Rows of a thread's m×n block of C that the A-strips-outer order gives to the plan's whole tiles
     * ({@link GemmPlan#wholeTiles()}): the most rows that are whole tiles of both tile heights, when every column strip is
     * whole, alpha = 1, beta is 0 or 1 and B is not packed beforehand (its K blocks are the plan's); else 0.
     */
    static int wholeTileRows(GemmPlan plan, int m, int n, float alpha, float beta, PackedMatrix packed) {
        GemmPlan.WholeTiles w = plan.wholeTiles();
        if (w == null || packed != null || alpha != 1f || (beta != 0f && beta != 1f) || n % plan.nr() != 0) return 0;
        int both = lcm(plan.mr(), w.kernel().mr());
        return m / both * both;
    }

    /**
     * {@link #blocked} with A strips outer ({@link GemmPlan#rowsOuterC()}) on rows [i0, i1) with the given tile, KC, panel
     * width and block of rows (the plan's, or its {@link GemmPlan#wholeTiles()}): each K block of A is packed once (up to
     * {@code mcRows} rows of it at a time) and every panel of B ({@code panel} wide) is packed and
     * walked against it, C's tiles along its rows. Here each A strip streams through L1 once per panel whatever MC is, so
     * the A block need not fit L2, and packing it once per K block instead of once per panel (2048³: two panels, A packed
     * twice) cut A's packing from 4.4% to 2.2% of the call. Same bits: per element the same K blocks in the same order.
     * One thread, both orders alternated in one JVM (AVX-512 Xeon, medians of 7 rounds): 2048³ 142.0 → 147.0 GFLOP/s,
     * 6304×768×3072 139.7 → 144.8, 4096×1024×4096 140.3 → 145.1 (docs/results.md, session 29).
     */
    private static void rowsOuter(MicroKernel kernel, int panel, int mcRows, boolean tA, boolean tB, int i0, int i1, int j0, int j1,
                                  int k, int kc, float alpha, MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                                  PackedMatrix packed, float beta, float[] c, int cOff, int ldc, Buffers buf) {
        int mr = kernel.mr(), nr = kernel.nr();
        int mc = evenBlock(i1 - i0, mcRows, mr);
        float[] ap = buf.a(mc * kc), bp = packed != null ? packed.data() : buf.b(Math.min(panel, roundUp(j1 - j0, nr)) * kc);
        float[] tile = buf.tile(mr * nr);
        int bo = CacheLines.floatsToLine(bp);
        for (int pc = 0; pc < k; pc += kc) {
            int kb = Math.min(kc, k - pc);
            float betaK = pc == 0 ? beta : 1f;
            for (int ic = i0; ic < i1; ic += mc) {
                int mb = Math.min(mc, i1 - ic);
                GemmPack.packA(mr, tA, a, aOff, lda, ic, mb, pc, kb, ap);
                for (int jc = j0; jc < j1; jc += panel) {
                    int nc = Math.min(panel, j1 - jc);
                    if (packed != null) bo = packed.blockOffset(pc) + jc * kb;
                    else GemmPack.packB(nr, tB, b, bOff, ldb, pc, kb, jc, nc, bp, bo);
                    macro(kernel, ap, bp, bo, mb, nc, kb, alpha, betaK, c, cOff + ic * ldc + jc, ldc, tile, true);
                }
            }
        }
    }

    /**
     * A's float[] when this product reads it in place ({@link GemmPlan#inPlaceN()}), else null. Only products of one K
     * block into a C they overwrite (beta 0) read A in place ({@link #blocked} asks): there every element is one FMA
     * chain over k from 0 in both paths, so the bits are the packed path's whatever the tiles. Beyond one K block, or
     * adding to C, the in-place tile's partial sums (added through a scratch) would round differently from the packed
     * tile's chains, and whether a product reads A in place depends on its columns per thread: ELIXR-C's step then took
     * other bits on one thread than on two (its 16→32 conv's dW, K = 3,456 image positions, 64 of its 144 columns on
     * one thread of two).
     */
    private static float[] inPlaceA(GemmPlan plan, boolean tA, int n, MemorySegment a, long aOff) {
        if (tA || n > plan.inPlaceN() || ROWS.nr() != plan.nr() || GemmPack.heapOffset(a, aOff) < 0) return null;
        return heapArray(a);
    }

    /** Block size ≤ target (a multiple of align) that splits n into equal blocks, so no thin remainder is left. */
    static int evenBlock(int n, int target, int align) {
        int blocks = Math.max(1, (n + target - 1) / target);
        return roundUp((n + blocks - 1) / blocks, align);
    }

    static int roundUp(int x, int a) { return (x + a - 1) / a * a; }

    /** Least common multiple of two tile heights. */
    static int lcm(int x, int y) {
        int g = x, h = y;
        while (h != 0) { int t = g % h; g = h; h = t; }
        return x / g * y;
    }

    /**
     * The macro-kernel: every MR×NR tile of the mb×nb block of C from the packed A block and the B panel packed from bo of
     * bp (the first element on a cache line). B strips outer (a
     * KC×NR strip of B in L1 across the A strips, C's tiles visited down a column strip) or, with {@code rowsOuter}, A
     * strips outer (an MR×KC strip of A in L1 across the panel of B in L2, C's tiles along its rows): see
     * {@link GemmPlan#rowsOuterC()}.
     */
    private static void macro(MicroKernel kernel, float[] ap, float[] bp, int bo, int mb, int nb, int kb, float alpha, float beta,
                              float[] c, int cBase, int ldc, float[] tile, boolean rowsOuter) {
        int mr = kernel.mr(), nr = kernel.nr();
        if (rowsOuter) {
            for (int ir = 0; ir < mb; ir += mr)
                for (int jr = 0; jr < nb; jr += nr) tile(kernel, ap, bp, bo, mb, nb, kb, ir, jr, alpha, beta, c, cBase, ldc, tile);
        } else {
            for (int jr = 0; jr < nb; jr += nr)
                for (int ir = 0; ir < mb; ir += mr) tile(kernel, ap, bp, bo, mb, nb, kb, ir, jr, alpha, beta, c, cBase, ldc, tile);
        }
    }

    /**
     * {@link #macro} in B strips outer order over a single block of A, each KC×NR strip of B packed into the first lines of
     * bp (from so) right before the column of tiles that reads it: with one block of rows every strip is read once, so a
     * whole packed panel (3 MiB for a 768×3072 weight at KC 256, past L2) would only be written out and read back. The
     * same packed values and the same tiles in the same order as packing the panel first: the same bits.
     */
    private static void macroByStrips(MicroKernel kernel, boolean tB, MemorySegment b, long bOff, int ldb, int pc, int kb, int jc,
                                      float[] ap, int mb, int nb, float alpha, float beta, float[] c, int cBase, int ldc,
                                      float[] bp, int so, float[] tile) {
        int mr = kernel.mr(), nr = kernel.nr();
        for (int jr = 0; jr < nb; jr += nr) {
            GemmPack.packB(nr, tB, b, bOff, ldb, pc, kb, jc + jr, Math.min(nr, nb - jr), bp, so);
            // tile() reads strip jr at bo + jr·kb: bo = so − jr·kb puts it at the strip just packed
            for (int ir = 0; ir < mb; ir += mr) tile(kernel, ap, bp, so - jr * kb, mb, nb, kb, ir, jr, alpha, beta, c, cBase, ldc, tile);
        }
    }

    /**
     * Tile (ir, jr) of the macro-kernel's block. A whole tile with alpha = 1 and beta 0 or 1 goes straight into C (added to
     * it when beta = 1); any other through the scratch {@code tile} and {@link #merge}.
     */
    private static void tile(MicroKernel kernel, float[] ap, float[] bp, int bo, int mb, int nb, int kb, int ir, int jr, float alpha, float beta,
                             float[] c, int cBase, int ldc, float[] tile) {
        int mr = kernel.mr(), nr = kernel.nr(), w = Math.min(nr, nb - jr), ci = cBase + ir * ldc + jr;
        if (alpha == 1f && (beta == 0f || beta == 1f) && w == nr && ir + mr <= mb) {
            kernel.packed(ap, ir * kb, bp, bo + jr * kb, kb, c, ci, ldc, beta == 1f);
        } else {
            kernel.packed(ap, ir * kb, bp, bo + jr * kb, kb, tile, 0, nr);
            merge(tile, nr, Math.min(mr, mb - ir), w, alpha, beta, c, ci, ldc);
        }
    }

    /**
     * C[m×n] = alpha·A·B + beta·C on the calling thread, for small blocks whose B was packed once by
     * {@link #packB(boolean, float[], int, int, int, int, float[], int)} and is reused many times (attention:
     * Kᵀ and V of a head; {@link PointwiseConv}'s image chunks). A (row-major, m×k) is read in place, without packing;
     * k is one K block.
     */
    static void gemmPackedB(float[] a, int aOff, int lda, int m, float[] bp, int bpOff, int n, int k,
                            float alpha, float beta, float[] c, int cOff, int ldc) {
        gemmPackedB(ATTENTION, a, aOff, lda, m, bp, bpOff, n, k, alpha, beta, c, cOff, ldc);
    }

    /** As {@link #gemmPackedB(float[], int, int, int, float[], int, int, int, float, float, float[], int, int)} with the given micro-kernel (B packed for its NR). */
    static void gemmPackedB(MicroKernel kernel, float[] a, int aOff, int lda, int m, float[] bp, int bpOff, int n, int k,
                            float alpha, float beta, float[] c, int cOff, int ldc) {
        gemmPackedB(kernel, a, aOff, lda, m, bp, bpOff, k, n, k, alpha, beta, c, cOff, ldc);
    }

    /**
     * As {@link #gemmPackedB(float[], int, int, int, float[], int, int, int, float, float, float[], int, int)} over the
     * first k rows of a B packed with {@code packedK} ≥ k rows per strip (a causal attention block reads only the keys
     * its queries see of a key block packed whole).
     */
    static void gemmPackedB(float[] a, int aOff, int lda, int m, float[] bp, int bpOff, int packedK, int n, int k,
                            float alpha, float beta, float[] c, int cOff, int ldc) {
        gemmPackedB(ATTENTION, a, aOff, lda, m, bp, bpOff, packedK, n, k, alpha, beta, c, cOff, ldc);
    }

    private static void gemmPackedB(MicroKernel kernel, float[] a, int aOff, int lda, int m, float[] bp, int bpOff, int packedK,
                                    int n, int k, float alpha, float beta, float[] c, int cOff, int ldc) {
        int mr = kernel.mr(), nr = kernel.nr();
        Buffers buf = BUFFERS.get();
        float[] tile = buf.tile(mr * nr);
        int full = m - m % mr;
        boolean direct = alpha == 1f && beta == 0f; // whole tiles go straight into C
        if (full < m) { // the last rows, zero-padded to MR in a scratch
            float[] edge = buf.a(mr * k);
            java.util.Arrays.fill(edge, 0, mr * k, 0f);
            for (int r = full; r < m; r++) System.arraycopy(a, aOff + r * lda, edge, (r - full) * k, k);
        }
        for (int jr = 0; jr < n; jr += nr) {
            int w = Math.min(nr, n - jr);
            for (int ir = 0; ir < m; ir += mr) {
                int ci = cOff + ir * ldc + jr;
                if (direct && w == nr && ir < full) {
                    kernel.rows(a, aOff + ir * lda, lda, bp, bpOff + jr * packedK, k, c, ci, ldc);
                    continue;
                }
                if (ir < full) kernel.rows(a, aOff + ir * lda, lda, bp, bpOff + jr * packedK, k, tile, 0, nr);
                else kernel.rows(buf.a, 0, k, bp, bpOff + jr * packedK, k, tile, 0, nr);
                merge(tile, nr, Math.min(mr, m - ir), w, alpha, beta, c, ci, ldc);
            }
        }
    }

    /** C[0:mr, 0:nr] = alpha·tile + beta·C (beta = 0: C is not read); the tile's rows are {@code pitch} floats apart. */
    private static void merge(float[] tile, int pitch, int mr, int nr, float alpha, float beta, float[] c, int ci, int ldc) {
        if (nr == pitch) {
            for (int r = 0; r < mr; r++, ci += ldc)
                for (int v = 0; v < pitch; v += VL) {
                    FloatVector x = FloatVector.fromArray(S, tile, r * pitch + v).mul(alpha);
                    if (beta != 0f) x = FloatVector.fromArray(S, c, ci + v).mul(beta).add(x);
                    x.intoArray(c, ci + v);
                }
        } else {
            for (int r = 0; r < mr; r++, ci += ldc)
                for (int j = 0; j < nr; j++) {
                    float x = alpha * tile[r * pitch + j];
                    c[ci + j] = beta == 0f ? x : x + beta * c[ci + j];
                }
        }
    }

    /** Packs op(B)[0:k, 0:n] (B a heap array) into bp from bpOff: roundUp(n, NR)·k floats, for {@link #gemmPackedB} (the {@link #ATTENTION} tile). */
    static void packB(boolean tB, float[] b, int off, int ldb, int k, int n, float[] bp, int bpOff) {
        packB(NR, tB, b, off, ldb, k, n, bp, bpOff);
    }

    /** As {@link #packB(boolean, float[], int, int, int, int, float[], int)} for strips nr floats wide. */
    static void packB(int nr, boolean tB, float[] b, int off, int ldb, int k, int n, float[] bp, int bpOff) {
        GemmPack.packB(nr, tB, MemorySegment.ofArray(b), off, ldb, 0, k, 0, n, bp, bpOff);
    }

    /** Per-thread packing buffers, grown on demand and reused across calls; B's with {@link CacheLines#SLACK} floats to spare, to start its strips on a line. */
    private static final class Buffers {
        float[] a = new float[0], b = new float[0], tile = new float[0];

        float[] a(int n) { if (a.length < n) a = new float[n]; return a; }
        float[] tile(int n) { if (tile.length < n) tile = new float[n]; return tile; }
        float[] b(int n) { if (b.length < n + CacheLines.SLACK) b = new float[n + CacheLines.SLACK]; return b; }
    }
}
