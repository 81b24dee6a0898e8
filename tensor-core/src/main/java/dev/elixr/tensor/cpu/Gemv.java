package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The M = 1 or N = 1 case of {@link Sgemm} (batch-1 decode: a vector times a weight matrix). Memory
 * bound, so the matrix is read exactly once, along its contiguous dimension:
 * <ul>
 *   <li>dot form, y[r] = Σ_k W[r,k]·x[k] (W stored with K contiguous, e.g. PyTorch's Linear weight for
 *       x·Wᵀ): four rows at a time, vector accumulators along K, one horizontal sum per row;</li>
 *   <li>combination form, y[j] = Σ_k x[k]·W[k,j] (W stored with N contiguous): y stays in L1 while
 *       eight rows of W at a time stream through it (one load and store of y per 8 FMAs; 8 broadcasts, the
 *       accumulator and a load fit 16 vector registers).</li>
 * </ul>
 * Threads take chunks of the outputs in turn through {@link Parallel#forChunks} (the caller and persistent helpers: a
 * matrix–vector product is too short for a fork/join wake-up per call): in the dot form about an eighth of a thread's
 * share; in the combination form one share per thread, so that each reads its half of every row of W as one long run
 * (eighths cut the rows into 768-byte pieces 12 KB apart, which the prefetchers follow poorly: 0.56× numpy at 2 threads
 * on 1×768·768×3072 against 0.97× with halves, AVX-512 Xeon).
 */
final class Gemv {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int VL = S.length();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder LE = ByteOrder.nativeOrder();

    private Gemv() {}

    static void gemv(boolean tA, boolean tB, int m, int n, int k, float alpha,
                     MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc, int threads) {
        if (m == 1 && n == 1 && (tA ? lda : 1) == 1 && (tB || ldb == 1)) { // a dot product of two contiguous rows (‖g‖² in clipping): read in place
            float d = dot(a, aOff, b, bOff, k);
            c[cOff] = beta == 0f ? alpha * d : alpha * d + beta * c[cOff];
            return;
        }
        float[] x = new float[k];
        float[] y;
        if (m == 1) {
            // y (1×N) = x · op(B); x = row 0 of op(A)
            gather(a, aOff, tA ? lda : 1, k, x);
            y = new float[n];
            if (tB) dots(b, bOff, ldb, n, x, k, y, threads);
            else combine(b, bOff, ldb, n, x, k, y, threads);
            for (int j = 0; j < n; j++) c[cOff + j] = beta == 0f ? alpha * y[j] : alpha * y[j] + beta * c[cOff + j];
        } else {
            // y (M×1) = op(A) · x; x = column 0 of op(B)
            gather(b, bOff, tB ? 1 : ldb, k, x);
            y = new float[m];
            if (tA) combine(a, aOff, lda, m, x, k, y, threads);
            else dots(a, aOff, lda, m, x, k, y, threads);
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                c[ci] = beta == 0f ? alpha * y[i] : alpha * y[i] + beta * c[ci];
            }
        }
    }

    /**
     * Σ_p a[ao + p]·b[bo + p] with four vector accumulators (four FMA chains in flight: one chain waits out the FMA
     * latency every vector) added in a fixed order, then the tail: no copy of either row (the dot path copied x, the
     * whole gradient when clipping computes ‖g‖²).
     */
    static float dot(MemorySegment a, long ao, MemorySegment b, long bo, int k) {
        int k4 = k - k % (4 * VL), kv = k - k % VL, p = 0;
        long ab = ao * 4, bb = bo * 4;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (; p < k4; p += 4 * VL) {
            long o = 4L * p;
            s0 = FloatVector.fromMemorySegment(S, a, ab + o, LE).fma(FloatVector.fromMemorySegment(S, b, bb + o, LE), s0);
            s1 = FloatVector.fromMemorySegment(S, a, ab + o + 4L * VL, LE).fma(FloatVector.fromMemorySegment(S, b, bb + o + 4L * VL, LE), s1);
            s2 = FloatVector.fromMemorySegment(S, a, ab + o + 8L * VL, LE).fma(FloatVector.fromMemorySegment(S, b, bb + o + 8L * VL, LE), s2);
            s3 = FloatVector.fromMemorySegment(S, a, ab + o + 12L * VL, LE).fma(FloatVector.fromMemorySegment(S, b, bb + o + 12L * VL, LE), s3);
        }
        for (; p < kv; p += VL)
            s0 = FloatVector.fromMemorySegment(S, a, ab + 4L * p, LE).fma(FloatVector.fromMemorySegment(S, b, bb + 4L * p, LE), s0);
        float t = Simd.sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; p < k; p++) t += a.getAtIndex(F, ao + p) * b.getAtIndex(F, bo + p);
        return t;
    }

    /** x[p] = v[off + p·stride] for p in [0, k): one bulk copy when contiguous. */
    private static void gather(MemorySegment v, long off, long stride, int k, float[] x) {
        if (stride == 1) MemorySegment.copy(v, F, off * 4, x, 0, k);
        else for (int p = 0; p < k; p++) x[p] = v.getAtIndex(F, off + p * stride);
    }

    /** y[r] = Σ_k W[r·ld + k]·x[k] for r in [0, rows). */
    static void dots(MemorySegment w, long off, int ld, int rows, float[] x, int k, float[] y, int threads) {
        if (threads == 1) dotRows(w, off, ld, 0, rows, x, k, y);
        else Parallel.forChunks(rows, Math.max(4, (rows / (8 * threads) + 3) / 4 * 4), (s, e) -> dotRows(w, off, ld, s, e, x, k, y));
    }

    private static void dotRows(MemorySegment w, long off, int ld, int r0, int r1, float[] x, int k, float[] y) {
        int kv = k - k % VL;
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            long b0 = (off + (long) r * ld) * 4, b1 = b0 + 4L * ld, b2 = b1 + 4L * ld, b3 = b2 + 4L * ld;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0; p < kv; p += VL) {
                FloatVector xv = FloatVector.fromArray(S, x, p);
                long o = 4L * p;
                s0 = FloatVector.fromMemorySegment(S, w, b0 + o, LE).fma(xv, s0);
                s1 = FloatVector.fromMemorySegment(S, w, b1 + o, LE).fma(xv, s1);
                s2 = FloatVector.fromMemorySegment(S, w, b2 + o, LE).fma(xv, s2);
                s3 = FloatVector.fromMemorySegment(S, w, b3 + o, LE).fma(xv, s3);
            }
            // lane sums in a fixed order (reduceLanes(ADD) adds in a different order once C2 compiles it)
            float t0 = Simd.sumLanes(s0), t1 = Simd.sumLanes(s1), t2 = Simd.sumLanes(s2), t3 = Simd.sumLanes(s3);
            for (int p = kv; p < k; p++) {
                float xp = x[p];
                t0 += w.getAtIndex(F, b0 / 4 + p) * xp;
                t1 += w.getAtIndex(F, b1 / 4 + p) * xp;
                t2 += w.getAtIndex(F, b2 / 4 + p) * xp;
                t3 += w.getAtIndex(F, b3 / 4 + p) * xp;
            }
            y[r] = t0; y[r + 1] = t1; y[r + 2] = t2; y[r + 3] = t3;
        }
        for (; r < r1; r++) {
            long b0 = (off + (long) r * ld) * 4;
            FloatVector s0 = FloatVector.zero(S);
            for (int p = 0; p < kv; p += VL)
                s0 = FloatVector.fromMemorySegment(S, w, b0 + 4L * p, LE).fma(FloatVector.fromArray(S, x, p), s0);
            float t0 = Simd.sumLanes(s0);
            for (int p = kv; p < k; p++) t0 += w.getAtIndex(F, b0 / 4 + p) * x[p];
            y[r] = t0;
        }
    }

    /**
     * Rows of W per pass over y in the combination form, 8 ({@code -Delixr.gemv.rows=1|4|8|16} for experiments): more
     * rows per pass load and store y less often but stream more rows of W at once. On the shared 2-core Zen 5
     * (AVX-512, 32 registers), one thread, W 768×3072 in L3, the medians of 12 interleaved rounds were 22, 29, 34 and 23
     * GFLOP/s for 1, 4, 8 and 16 rows (docs/results.md), so 16 rows is not the default even where 32 registers hold it.
     */
    static final int PASS_ROWS = passRows(System.getProperty("elixr.gemv.rows"));

    static int passRows(String forced) {
        if (forced == null || forced.isBlank()) return 8;
        return switch (forced.trim()) {
            case "1", "4", "8", "16" -> Integer.parseInt(forced.trim());
            default -> throw new IllegalArgumentException("elixr.gemv.rows: '" + forced + "' is not 1, 4, 8 or 16");
        };
    }

    /** y[j] = Σ_k x[k]·W[k·ld + j] for j in [0, cols). */
    static void combine(MemorySegment w, long off, int ld, int cols, float[] x, int k, float[] y, int threads) {
        combine(w, off, ld, cols, x, k, y, threads, PASS_ROWS);
    }

    /** As above with the given rows per pass (1, 4, 8 or 16: any of them runs on any machine, for tests). */
    static void combine(MemorySegment w, long off, int ld, int cols, float[] x, int k, float[] y, int threads, int passRows) {
        int strips = (cols + VL - 1) / VL;
        if (threads == 1) combineCols(w, off, ld, 0, cols, x, k, y, passRows);
        else Parallel.forChunks(strips, Math.max(4, (strips + threads - 1) / threads), (s, e) -> combineCols(w, off, ld, s * VL, Math.min(cols, e * VL), x, k, y, passRows));
    }

    /**
     * Columns [j0, j1) of y: passes of 16, 8 or 4 rows of W over y (at most passRows), then single rows. Each column's
     * sum runs in row order whatever the column band, so the bits do not depend on the thread count.
     */
    private static void combineCols(MemorySegment w, long off, int ld, int j0, int j1, float[] x, int k, float[] y, int passRows) {
        int p = 0;
        if (passRows >= 16) for (; p + 16 <= k; p += 16) pass16(w, off, ld, j0, j1, x, p, y);
        if (passRows >= 8) for (; p + 8 <= k; p += 8) pass8(w, off, ld, j0, j1, x, p, y);
        if (passRows >= 4) for (; p + 4 <= k; p += 4) pass4(w, off, ld, j0, j1, x, p, y);
        for (; p < k; p++) pass1(w, off, ld, j0, j1, x, p, y);
    }

    /** y[j0 …j1) += Σ_{q<16} x[p+q]·W[p+q, j]: one load and store of y per 16 FMAs (16 broadcasts, 18 registers). */
    private static void pass16(MemorySegment w, long off, int ld, int j0, int j1, float[] x, int p, float[] y) {
        int jv = j0 + (j1 - j0) / VL * VL;
        FloatVector x0 = FloatVector.broadcast(S, x[p]), x1 = FloatVector.broadcast(S, x[p + 1]);
        FloatVector x2 = FloatVector.broadcast(S, x[p + 2]), x3 = FloatVector.broadcast(S, x[p + 3]);
        FloatVector x4 = FloatVector.broadcast(S, x[p + 4]), x5 = FloatVector.broadcast(S, x[p + 5]);
        FloatVector x6 = FloatVector.broadcast(S, x[p + 6]), x7 = FloatVector.broadcast(S, x[p + 7]);
        FloatVector x8 = FloatVector.broadcast(S, x[p + 8]), x9 = FloatVector.broadcast(S, x[p + 9]);
        FloatVector x10 = FloatVector.broadcast(S, x[p + 10]), x11 = FloatVector.broadcast(S, x[p + 11]);
        FloatVector x12 = FloatVector.broadcast(S, x[p + 12]), x13 = FloatVector.broadcast(S, x[p + 13]);
        FloatVector x14 = FloatVector.broadcast(S, x[p + 14]), x15 = FloatVector.broadcast(S, x[p + 15]);
        long r0 = (off + (long) p * ld) * 4, st = 4L * ld;
        for (int j = j0; j < jv; j += VL) {
            long o = r0 + 4L * j;
            FloatVector acc = FloatVector.fromArray(S, y, j);
            acc = FloatVector.fromMemorySegment(S, w, o, LE).fma(x0, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + st, LE).fma(x1, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 2 * st, LE).fma(x2, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 3 * st, LE).fma(x3, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 4 * st, LE).fma(x4, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 5 * st, LE).fma(x5, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 6 * st, LE).fma(x6, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 7 * st, LE).fma(x7, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 8 * st, LE).fma(x8, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 9 * st, LE).fma(x9, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 10 * st, LE).fma(x10, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 11 * st, LE).fma(x11, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 12 * st, LE).fma(x12, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 13 * st, LE).fma(x13, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 14 * st, LE).fma(x14, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 15 * st, LE).fma(x15, acc);
            acc.intoArray(y, j);
        }
        for (int j = jv; j < j1; j++) {
            float t = y[j];
            for (int q = 0; q < 16; q++) t = Math.fma(x[p + q], w.getAtIndex(F, r0 / 4 + (long) q * ld + j), t);
            y[j] = t;
        }
    }

    /**
     * y[j0 …j1) += Σ_{q<8} x[p+q]·W[p+q, j]: one load and store of y per 8 FMAs (8 broadcasts, 2 accumulators, 2 loads:
     * 12 registers). Two vectors of y per iteration, so two independent FMA chains are in flight (each chain is 8 FMAs
     * long, 32 cycles at a latency of 4); each column's sum still runs in row order (the same bits as one vector at a time).
     */
    private static void pass8(MemorySegment w, long off, int ld, int j0, int j1, float[] x, int p, float[] y) {
        int jv = j0 + (j1 - j0) / VL * VL, jv2 = j0 + (j1 - j0) / (2 * VL) * (2 * VL);
        FloatVector x0 = FloatVector.broadcast(S, x[p]), x1 = FloatVector.broadcast(S, x[p + 1]);
        FloatVector x2 = FloatVector.broadcast(S, x[p + 2]), x3 = FloatVector.broadcast(S, x[p + 3]);
        FloatVector x4 = FloatVector.broadcast(S, x[p + 4]), x5 = FloatVector.broadcast(S, x[p + 5]);
        FloatVector x6 = FloatVector.broadcast(S, x[p + 6]), x7 = FloatVector.broadcast(S, x[p + 7]);
        long r0 = (off + (long) p * ld) * 4, st = 4L * ld;
        int j = j0;
        for (; j < jv2; j += 2 * VL) {
            long o = r0 + 4L * j, o2 = o + 4L * VL;
            FloatVector acc = FloatVector.fromArray(S, y, j), acd = FloatVector.fromArray(S, y, j + VL);
            acc = FloatVector.fromMemorySegment(S, w, o, LE).fma(x0, acc);
            acd = FloatVector.fromMemorySegment(S, w, o2, LE).fma(x0, acd);
            acc = FloatVector.fromMemorySegment(S, w, o + st, LE).fma(x1, acc);
            acd = FloatVector.fromMemorySegment(S, w, o2 + st, LE).fma(x1, acd);
            acc = FloatVector.fromMemorySegment(S, w, o + 2 * st, LE).fma(x2, acc);
            acd = FloatVector.fromMemorySegment(S, w, o2 + 2 * st, LE).fma(x2, acd);
            acc = FloatVector.fromMemorySegment(S, w, o + 3 * st, LE).fma(x3, acc);
            acd = FloatVector.fromMemorySegment(S, w, o2 + 3 * st, LE).fma(x3, acd);
            acc = FloatVector.fromMemorySegment(S, w, o + 4 * st, LE).fma(x4, acc);
            acd = FloatVector.fromMemorySegment(S, w, o2 + 4 * st, LE).fma(x4, acd);
            acc = FloatVector.fromMemorySegment(S, w, o + 5 * st, LE).fma(x5, acc);
            acd = FloatVector.fromMemorySegment(S, w, o2 + 5 * st, LE).fma(x5, acd);
            acc = FloatVector.fromMemorySegment(S, w, o + 6 * st, LE).fma(x6, acc);
            acd = FloatVector.fromMemorySegment(S, w, o2 + 6 * st, LE).fma(x6, acd);
            acc = FloatVector.fromMemorySegment(S, w, o + 7 * st, LE).fma(x7, acc);
            acd = FloatVector.fromMemorySegment(S, w, o2 + 7 * st, LE).fma(x7, acd);
            acc.intoArray(y, j);
            acd.intoArray(y, j + VL);
        }
        for (; j < jv; j += VL) {
            long o = r0 + 4L * j;
            FloatVector acc = FloatVector.fromArray(S, y, j);
            acc = FloatVector.fromMemorySegment(S, w, o, LE).fma(x0, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + st, LE).fma(x1, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 2 * st, LE).fma(x2, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 3 * st, LE).fma(x3, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 4 * st, LE).fma(x4, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 5 * st, LE).fma(x5, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 6 * st, LE).fma(x6, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 7 * st, LE).fma(x7, acc);
            acc.intoArray(y, j);
        }
        for (; j < j1; j++) {
            float t = y[j];
            for (int q = 0; q < 8; q++) t = Math.fma(x[p + q], w.getAtIndex(F, r0 / 4 + (long) q * ld + j), t);
            y[j] = t;
        }
    }

    /** y[j0 …j1) += Σ_{q<4} x[p+q]·W[p+q, j]. */
    private static void pass4(MemorySegment w, long off, int ld, int j0, int j1, float[] x, int p, float[] y) {
        int jv = j0 + (j1 - j0) / VL * VL;
        FloatVector x0 = FloatVector.broadcast(S, x[p]), x1 = FloatVector.broadcast(S, x[p + 1]);
        FloatVector x2 = FloatVector.broadcast(S, x[p + 2]), x3 = FloatVector.broadcast(S, x[p + 3]);
        long r0 = (off + (long) p * ld) * 4, st = 4L * ld;
        for (int j = j0; j < jv; j += VL) {
            long o = r0 + 4L * j;
            FloatVector acc = FloatVector.fromArray(S, y, j);
            acc = FloatVector.fromMemorySegment(S, w, o, LE).fma(x0, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + st, LE).fma(x1, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 2 * st, LE).fma(x2, acc);
            acc = FloatVector.fromMemorySegment(S, w, o + 3 * st, LE).fma(x3, acc);
            acc.intoArray(y, j);
        }
        for (int j = jv; j < j1; j++) {
            float t = y[j];
            for (int q = 0; q < 4; q++) t = Math.fma(x[p + q], w.getAtIndex(F, r0 / 4 + (long) q * ld + j), t);
            y[j] = t;
        }
    }

    /** y[j0 …j1) += x[p]·W[p, j]. */
    private static void pass1(MemorySegment w, long off, int ld, int j0, int j1, float[] x, int p, float[] y) {
        int jv = j0 + (j1 - j0) / VL * VL;
        FloatVector x0 = FloatVector.broadcast(S, x[p]);
        long r0 = (off + (long) p * ld) * 4;
        for (int j = j0; j < jv; j += VL)
            FloatVector.fromMemorySegment(S, w, r0 + 4L * j, LE).fma(x0, FloatVector.fromArray(S, y, j)).intoArray(y, j);
        for (int j = jv; j < j1; j++) y[j] = Math.fma(x[p], w.getAtIndex(F, r0 / 4 + j), y[j]);
    }
}
