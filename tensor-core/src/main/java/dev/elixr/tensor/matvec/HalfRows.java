package dev.elixr.tensor.matvec;

import dev.elixr.tensor.DType;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A BF16 or F16 matrix [rows, cols] copied, still in half precision, into the order its matrix–vector product reads
 * it, as ggml's CPU backend repacks weights at load: rows taken four at a time (the last group padded with zero
 * rows), and a group storing 32 weights (64 bytes, a cache line) of each of its four rows in turn, then the next 32
 * of each, … — one sequential stream per group, which the hardware prefetcher follows better than the four
 * row streams of {@link MatVec} — on a shared AVX-512 Xeon, out of cache on one core, once a quarter faster and
 * later a fifth slower, so not yet a default (Projection's {@code elixr.llm.decodeRepack}). The cost is a second
 * copy of the weights (2 bytes each); cols must be a multiple of 32.
 *
 * <p>y = W·x ({@link #matvec}): a group's four rows share each x load; lanes widened in registers ({@link Widen}),
 * one accumulator vector per row, fixed-order lane sums. Threads split the groups as {@link MatVec} splits rows.
 */
public final class HalfRows {
    /** Rows of a group, and weights of a row per piece. */
    static final int GROUP = 4, PIECE = 32;
    private static final int L = Widen.L;

    private final boolean bf16;
    private final MemorySegment data;
    private final int rows, cols;

    private HalfRows(boolean bf16, MemorySegment data, int rows, int cols) {
        this.bf16 = bf16;
        this.data = data;
        this.rows = rows;
        this.cols = cols;
    }

    /** Whether w can be repacked: a BF16 or F16 host matrix whose columns are a whole number of pieces. */
    public static boolean fits(Tensor w) {
        return w.dim() == 2 && (w.dtype() == DType.BF16 || w.dtype() == DType.F16) && w.size(1) % PIECE == 0 && w.storage().isHost();
    }

    /** The repacked copy of w (see {@link #fits}). */
    public static HalfRows of(Tensor w) {
        if (!fits(w)) throw new IllegalArgumentException("HalfRows: weight " + Shape.str(w.shape()) + " of " + w.dtype()
                + " is not a BF16/F16 host matrix with a multiple of " + PIECE + " columns");
        int rows = w.size(0), cols = w.size(1), groups = (rows + GROUP - 1) / GROUP;
        Tensor m = w.stride(1) != 1 ? w.contiguous() : w;
        MemorySegment src = m.storage().segment() != null ? m.storage().segment() : MemorySegment.ofArray(m.storage().array());
        long off = m.offset(), ld = rows == 1 ? cols : m.stride(0);
        MemorySegment out = dev.elixr.tensor.HugePages.allocate(2L * groups * GROUP * cols);
        Parallel.forRange(rows, 64, (s, e) -> {
            for (int r = s; r < e; r++) {
                long group = 2L * (r / GROUP) * GROUP * cols;
                for (int p = 0; p < cols; p += PIECE) {
                    MemorySegment.copy(src, 2 * (off + r * ld + p), out, group + 2L * (GROUP * p + r % GROUP * PIECE), 2L * PIECE);
                }
            }
        });
        return new HalfRows(w.dtype() == DType.BF16, out, rows, cols);
    }

    public int rows() { return rows; }

    public int cols() { return cols; }

    /** Bytes of the copy. */
    public long byteSize() { return data.byteSize(); }

    /** y[r] = Σ_k W[r,k]·x[k], on up to {@link Parallel#threads()} threads. */
    public void matvec(float[] x, float[] y) {
        if (x.length != cols || y.length != rows) {
            throw new IllegalArgumentException("matvec: " + (bf16 ? "BF16" : "F16") + " weight [" + rows + "," + cols + "] times a vector of "
                    + x.length + " into " + y.length + " (expected " + cols + " and " + rows + ")");
        }
        boolean parallel = (long) rows * cols >= MatVec.PARALLEL_WEIGHTS && Parallel.threads() > 1;
        if (!parallel) rows(0, rows, x, y);
        else Parallel.forChunks(rows, MatVec.chunk(rows), (s, e) -> rows(s, e, x, y));
    }

    /** Rows [r0, r1), r0 a multiple of {@link #GROUP}. */
    void rows(int r0, int r1, float[] x, float[] y) {
        float[] lanes = new float[L], last = new float[GROUP];
        int r = r0;
        for (; r + GROUP <= r1; r += GROUP) group(bf16, data, cols, r, x, y, r, lanes);
        if (r < r1) {
            group(bf16, data, cols, r, x, last, 0, lanes);
            System.arraycopy(last, 0, y, r, r1 - r);
        }
    }

    /** Rows r … r+3 (a group) into y[o …]. */
    private static void group(boolean bf16, MemorySegment w, int k, int r, float[] x, float[] y, int o, float[] lanes) {
        long g = 2L * r * k;
        FloatVector s0 = FloatVector.zero(Widen.F), s1 = s0, s2 = s0, s3 = s0;
        for (int p = 0; p < k; p += PIECE) {
            long at = g + 2L * GROUP * p;
            for (int j = 0; j < PIECE; j += L) {
                FloatVector xv = FloatVector.fromArray(Widen.F, x, p + j);
                long o0 = at + 2L * j;
                s0 = load(bf16, w, o0).fma(xv, s0);
                s1 = load(bf16, w, o0 + 2 * PIECE).fma(xv, s1);
                s2 = load(bf16, w, o0 + 4 * PIECE).fma(xv, s2);
                s3 = load(bf16, w, o0 + 6 * PIECE).fma(xv, s3);
            }
        }
        y[o] = sum(s0, lanes);
        y[o + 1] = sum(s1, lanes);
        y[o + 2] = sum(s2, lanes);
        y[o + 3] = sum(s3, lanes);
    }

    /** Weight (r, c) of the copy, widened (tests). */
    float get(int r, int c) {
        long at = 2L * ((long) (r / GROUP) * GROUP * cols + GROUP * (c / PIECE * PIECE) + r % GROUP * PIECE + c % PIECE);
        short h = data.get(ValueLayout.JAVA_SHORT_UNALIGNED, at);
        return bf16 ? DType.bf16ToFloat(h) : Float.float16ToFloat(h);
    }

    private static FloatVector load(boolean bf16, MemorySegment w, long byteOff) {
        return bf16 ? Widen.bf16(w, byteOff) : Widen.f16(w, byteOff);
    }

    private static float sum(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float t = 0;
        for (float f : lanes) t += f;
        return t;
    }
}
