package dev.elixr.tensor.matvec;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * y = W·x for a weight matrix W [rows, cols] read in its stored type (F32, F16 or BF16; on the heap or
 * memory-mapped from a weight file) with no float32 copy: PyTorch's Linear layout, so y = Linear(x) without bias.
 * The rows may be any stride apart (a narrowed or step-sliced view) but each row must be contiguous; a view that is
 * not (a transpose) is copied to float32 first. Host tensors only. Threads split the rows: about eight chunks per
 * thread, taken in turn ({@link Parallel#forChunks}), so that a thread held back by other work delays the call by one
 * chunk at most.
 */
public final class MatVec {
    /** Below this many weights one thread does the whole product (thread hand-off costs more than it saves). */
    static final long PARALLEL_WEIGHTS = 1 << 15;

    private MatVec() {}

    /** A new y of W's rows. */
    public static float[] matvec(Tensor w, float[] x) {
        float[] y = new float[w.size(0)];
        matvec(w, x, y);
        return y;
    }

    /** y[r] = Σ_k W[r,k]·x[k], on up to {@link Parallel#threads()} threads. */
    public static void matvec(Tensor w, float[] x, float[] y) {
        check(w, x, y, "matvec");
        int rows = w.size(0), cols = w.size(1);
        if (rows == 0) return;
        Parallel.RangeBody band = band(w, x, y);
        boolean parallel = (long) rows * cols >= PARALLEL_WEIGHTS && Parallel.threads() > 1;
        if (!parallel) band.run(0, rows);
        else Parallel.forChunks(rows, chunk(rows), band);
    }

    /**
     * y_i = W_i·x for several matrices of the same width (a decoding step's q, k and v projections, or gate and up):
     * split across threads, one hand-off of all their chunks together instead of one per matrix; the same bits as
     * {@link #matvec} on each, since a row's sum does not depend on its band.
     */
    public static void matvecs(Tensor[] ws, float[] x, float[][] ys) {
        if (ws.length != ys.length) throw new IllegalArgumentException("matvecs: " + ws.length + " matrices but " + ys.length + " outputs");
        boolean fused = Parallel.threads() > 1;
        for (int i = 0; i < ws.length; i++) {
            check(ws[i], x, ys[i], "matvecs");
            fused &= (long) ws[i].size(0) * ws[i].size(1) >= PARALLEL_WEIGHTS;
        }
        if (!fused) {
            for (int i = 0; i < ws.length; i++) matvec(ws[i], x, ys[i]);
            return;
        }
        Parallel.RangeBody[] bands = new Parallel.RangeBody[ws.length];
        int[] chunk = new int[ws.length], first = new int[ws.length + 1];
        for (int i = 0; i < ws.length; i++) {
            bands[i] = band(ws[i], x, ys[i]);
            chunk[i] = chunk(ws[i].size(0));
            first[i + 1] = first[i] + (ws[i].size(0) + chunk[i] - 1) / chunk[i];
        }
        Parallel.forChunks(first[ws.length], 1, (s, e) -> {
            for (int c = s; c < e; c++) {
                int i = 0;
                while (c >= first[i + 1]) i++;
                int r0 = (c - first[i]) * chunk[i];
                bands[i].run(r0, Math.min(ws[i].size(0), r0 + chunk[i]));
            }
        });
    }

    /**
     * The BF16 kernel: "pairs" ({@link Bf16Pairs}, two weights per int lane, rows in four sub-bands; default) or "halves"
     * ({@link RowDots}' widening of L at a time). One thread, weights out of cache, thread CPU time on the AVX-512 Xeon
     * (docs/results.md, issue 19, session 13): pairs in sub-bands 13.0–13.6 GB/s, halves in sub-bands 11.8–12.6, pairs
     * over neighbouring rows (the earlier form, slower than halves on Zen 5 too) 10.6, a plain streaming sum 12.7–13.4.
     */
    static final boolean BF16_PAIRS = "pairs".equals(System.getProperty("elixr.bf16.kernel", "pairs"));

    private static void check(Tensor w, float[] x, float[] y, String op) {
        if (w.dim() != 2) throw new IllegalArgumentException(op + ": weight " + Shape.str(w.shape()) + " is not a matrix [rows, cols]");
        int rows = w.size(0), cols = w.size(1);
        if (x.length != cols) throw new IllegalArgumentException(op + ": weight " + Shape.str(w.shape()) + " times a vector of " + x.length + " (expected " + cols + ")");
        if (y.length != rows) throw new IllegalArgumentException(op + ": weight " + Shape.str(w.shape()) + " into an output of " + y.length + " (expected " + rows + ")");
        if (!w.storage().isHost()) throw new IllegalArgumentException(op + ": weight lives on " + w.device() + "; host tensors only");
    }

    /** The kernel over a band of W's rows, y[s …e) = W[s …e)·x. */
    private static Parallel.RangeBody band(Tensor w, float[] x, float[] y) {
        int rows = w.size(0), cols = w.size(1);
        Tensor m = cols > 1 && w.stride(1) != 1 ? w.contiguous() : w;
        MemorySegment seg = segment(m);
        long off = m.offset(), ld = rows == 1 ? cols : m.stride(0);
        if (m.dtype() == dev.elixr.tensor.DType.BF16 && BF16_PAIRS) {
            float[][] xs = Bf16Pairs.split(x, cols);
            return (s, e) -> Bf16Pairs.rows(seg, off, ld, s, e, x, xs, cols, y);
        }
        return (s, e) -> RowDots.rows(m.dtype(), seg, off, ld, s, e, x, cols, y);
    }

    /** Rows per chunk of a parallel product: about eight chunks per thread, a multiple of 16 rows (the kernels' row blocks divide it). */
    static int chunk(int rows) { return Math.max(16, (rows / (8 * Parallel.threads()) + 15) / 16 * 16); }

    /**
     * A float32 copy [rows, cols] of W (any stored type), rows widened with vector loads: what the GEMM of a prefill
     * reads when the weights are stored in half precision.
     */
    public static Tensor toFloat32(Tensor w) {
        if (w.dim() != 2) throw new IllegalArgumentException("toFloat32: weight " + Shape.str(w.shape()) + " is not a matrix [rows, cols]");
        int rows = w.size(0), cols = w.size(1);
        Tensor m = cols > 1 && w.stride(1) != 1 ? w.contiguous() : w;
        if (m.dtype() == dev.elixr.tensor.DType.F32) return m.contiguous();
        MemorySegment seg = segment(m);
        long off = m.offset(), ld = rows == 1 ? cols : m.stride(0);
        float[] out = new float[rows * cols];
        boolean bf16 = m.dtype() == dev.elixr.tensor.DType.BF16;
        Parallel.forRange(rows, 16, (s, e) -> {
            for (int r = s; r < e; r++) Widen.row(bf16, seg, 2 * (off + r * ld), out, r * cols, cols);
        });
        return Tensor.wrap(out, rows, cols);
    }

    private static MemorySegment segment(Tensor t) {
        float[] a = t.storage().array();
        if (a != null) return MemorySegment.ofArray(a);
        MemorySegment s = t.storage().segment();
        if (s == null) throw new IllegalArgumentException("matvec: storage " + t.storage().getClass().getSimpleName() + " is neither a float[] nor a memory segment");
        return s;
    }
}
