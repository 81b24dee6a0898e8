package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;


/**
 * C = alpha·A·Bᵀ + beta·C for a row-major A (M×K) and a B stored N×K, both contiguous along K, when N is narrow
 * and K long: the inner-product form (each C element a dot product along K), with no packing at all. The case of
 * a first convolution's weight gradient (gradient [16, N·L] times im2col columns [1·9, N·L] transposed, K = 73,728
 * for a batch of 32 at 96×96): the packed {@link Sgemm} path pads N = 9 to a whole micro-tile (NR = 32 with
 * 512-bit vectors) and transposes both operands into panels, and then runs 3–4× slower than this.
 * (Measured on wider N, 144 or 256, the packed path wins by 1.3–2×: this kernel needs 8 loads per 16 FMAs.)
 *
 * <p>Blocking and vector strategy:
 * <pre>
 *   C is cut into 4×4 tiles (edge tiles repeat their last row or column and drop the copies); threads take
 *   contiguous ranges of tiles (tile index = row tile · column tiles + column tile)
 *   for pc over K in blocks of KD ≤ 1024 (a tile's A rows stay in L1; the B rows of a block, N·KD floats, in L2):
 *     for each tile of the thread: 16 lane-wise partial sums in vector registers, loaded from / stored to
 *     the thread's scratch between K blocks; per VL floats of K: 4 loads of A, 4 of B, 16 FMAs
 *   then per C element: the sum of its VL lanes (the fixed tree of {@link Simd#sumLanes}), plus the last
 *   K mod VL products in scalar order, and the merge alpha·s + beta·C (beta = 0 never reads C)
 * </pre>
 * Every C element is summed by one thread in a fixed order, so results do not depend on the thread count.
 * Heap operands only: array loads let C2 hoist the bounds checks (segment loads ran 2× slower).
 */
final class SgemmDot {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = S.length();
    /** Tile of C: rows of A by rows of B. */
    static final int TM = 4, TN = 4;
    /** The inner-product form is taken for products with at most this many columns (default half a micro-tile, NR/2: the packed path would waste over half its work on padding) … */
    private static final Integer MAX_N = Integer.getInteger("elixr.sgemm.dotN");
    /** … and at least this long a K. */
    static final int MIN_K = Integer.getInteger("elixr.sgemm.dotK", 1024);

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private SgemmDot() {}

    /** Whether a product C = A·Bᵀ (A row-major, B stored N×K) of this shape goes here, beside a packed path of micro-tiles nr wide. */
    static boolean suits(int m, int n, int k, int nr) {
        return n <= (MAX_N != null ? MAX_N : nr / 2) && k >= MIN_K && m >= 2 && n >= 2;
    }

    /** K block: 1024 (the 4 A rows of a tile, 16 KB, stay in L1), less when the B rows of a block (n·KD floats) pass 512 KB; ≥ 256, a multiple of VL. */
    static int kBlock(int n) {
        int kd = Math.max(256, Math.min(1024, (1 << 17) / Math.max(1, n)));
        return kd - kd % VL;
    }

    /** Heap operands only (offsets in elements): array loads let C2 hoist the bounds checks out of the K loop. */
    static void gemm(int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc, int threads) {
        int tiles = ceilDiv(m, TM) * ceilDiv(n, TN);
        if (threads <= 1) tiles(0, tiles, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        else Parallel.forRange(tiles, 1, (s, e) -> tiles(s, e, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
    }

    /** Tiles [t0, t1) of C on this thread. */
    private static void tiles(int t0, int t1, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int nt = ceilDiv(n, TN), kv = k - k % VL, kd = kBlock(n), tileFloats = TM * TN * VL;
        float[] acc = scratch((t1 - t0) * tileFloats);
        for (int pc = 0; pc < kv; pc += kd) {
            int kb = Math.min(kd, kv - pc);
            for (int t = t0; t < t1; t++) {
                int i = t / nt * TM, j = t % nt * TN;
                int a0 = aOff + i * lda + pc, b0 = bOff + j * ldb + pc;
                int a1 = a0 + Math.min(1, m - 1 - i) * lda, a2 = a0 + Math.min(2, m - 1 - i) * lda, a3 = a0 + Math.min(3, m - 1 - i) * lda;
                int b1 = b0 + Math.min(1, n - 1 - j) * ldb, b2 = b0 + Math.min(2, n - 1 - j) * ldb, b3 = b0 + Math.min(3, n - 1 - j) * ldb;
                kernel(a, a0, a1, a2, a3, b, b0, b1, b2, b3, kb, acc, (t - t0) * tileFloats, pc == 0);
            }
        }
        for (int t = t0; t < t1; t++) {
            int i0 = t / nt * TM, j0 = t % nt * TN;
            for (int r = 0; r < TM && i0 + r < m; r++)
                for (int q = 0; q < TN && j0 + q < n; q++) {
                    float s = kv > 0 ? Simd.sumLanes(FloatVector.fromArray(S, acc, (t - t0) * tileFloats + (r * TN + q) * VL)) : 0f;
                    int ai = aOff + (i0 + r) * lda, bj = bOff + (j0 + q) * ldb;
                    for (int p = kv; p < k; p++) s += a[ai + p] * b[bj + p];
                    int ci = cOff + (i0 + r) * ldc + j0 + q;
                    c[ci] = beta == 0f ? alpha * s : alpha * s + beta * c[ci];
                }
        }
    }

    /**
     * One 4×4 tile over kb floats of K (a multiple of VL): rows of A from a0…a3, rows of B from b0…b3;
     * the 16 lane-wise sums start at zero (first K block) or from acc[at…], and go back there.
     */
    private static void kernel(float[] a, int a0, int a1, int a2, int a3, float[] b, int b0, int b1, int b2, int b3,
                               int kb, float[] acc, int at, boolean first) {
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (first) {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c02 = z; c03 = z; c10 = z; c11 = z; c12 = z; c13 = z;
            c20 = z; c21 = z; c22 = z; c23 = z; c30 = z; c31 = z; c32 = z; c33 = z;
        } else {
            c00 = FloatVector.fromArray(S, acc, at); c01 = FloatVector.fromArray(S, acc, at + VL);
            c02 = FloatVector.fromArray(S, acc, at + 2 * VL); c03 = FloatVector.fromArray(S, acc, at + 3 * VL);
            c10 = FloatVector.fromArray(S, acc, at + 4 * VL); c11 = FloatVector.fromArray(S, acc, at + 5 * VL);
            c12 = FloatVector.fromArray(S, acc, at + 6 * VL); c13 = FloatVector.fromArray(S, acc, at + 7 * VL);
            c20 = FloatVector.fromArray(S, acc, at + 8 * VL); c21 = FloatVector.fromArray(S, acc, at + 9 * VL);
            c22 = FloatVector.fromArray(S, acc, at + 10 * VL); c23 = FloatVector.fromArray(S, acc, at + 11 * VL);
            c30 = FloatVector.fromArray(S, acc, at + 12 * VL); c31 = FloatVector.fromArray(S, acc, at + 13 * VL);
            c32 = FloatVector.fromArray(S, acc, at + 14 * VL); c33 = FloatVector.fromArray(S, acc, at + 15 * VL);
        }
        for (int p = 0; p < kb; p += VL) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p), x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + p), x3 = FloatVector.fromArray(S, a, a3 + p);
            FloatVector y = FloatVector.fromArray(S, b, b0 + p);
            c00 = x0.fma(y, c00); c10 = x1.fma(y, c10); c20 = x2.fma(y, c20); c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(S, b, b1 + p);
            c01 = x0.fma(y, c01); c11 = x1.fma(y, c11); c21 = x2.fma(y, c21); c31 = x3.fma(y, c31);
            y = FloatVector.fromArray(S, b, b2 + p);
            c02 = x0.fma(y, c02); c12 = x1.fma(y, c12); c22 = x2.fma(y, c22); c32 = x3.fma(y, c32);
            y = FloatVector.fromArray(S, b, b3 + p);
            c03 = x0.fma(y, c03); c13 = x1.fma(y, c13); c23 = x2.fma(y, c23); c33 = x3.fma(y, c33);
        }
        c00.intoArray(acc, at); c01.intoArray(acc, at + VL); c02.intoArray(acc, at + 2 * VL); c03.intoArray(acc, at + 3 * VL);
        c10.intoArray(acc, at + 4 * VL); c11.intoArray(acc, at + 5 * VL); c12.intoArray(acc, at + 6 * VL); c13.intoArray(acc, at + 7 * VL);
        c20.intoArray(acc, at + 8 * VL); c21.intoArray(acc, at + 9 * VL); c22.intoArray(acc, at + 10 * VL); c23.intoArray(acc, at + 11 * VL);
        c30.intoArray(acc, at + 12 * VL); c31.intoArray(acc, at + 13 * VL); c32.intoArray(acc, at + 14 * VL); c33.intoArray(acc, at + 15 * VL);
    }

    private static float[] scratch(int n) {
        float[][] s = SCRATCH.get();
        if (s[0].length < n) s[0] = new float[n];
        return s[0];
    }

    private static int ceilDiv(int x, int y) { return (x + y - 1) / y; }
}
