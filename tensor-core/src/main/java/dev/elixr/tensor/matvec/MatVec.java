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
        if (w.dim() != 2) throw new IllegalArgumentException("matvec: weight " + Shape.str(w.shape()) + " is not a matrix [rows, cols]");
        int rows = w.size(0), cols = w.size(1);
        if (x.length != cols) throw new IllegalArgumentException("matvec: weight " + Shape.str(w.shape()) + " times a vector of " + x.length + " (expected " + cols + ")");
        if (y.length != rows) throw new IllegalArgumentException("matvec: weight " + Shape.str(w.shape()) + " into an output of " + y.length + " (expected " + rows + ")");
        if (!w.storage().isHost()) throw new IllegalArgumentException("matvec: weight lives on " + w.device() + "; host tensors only");
        if (rows == 0) return;
        Tensor m = cols > 1 && w.stride(1) != 1 ? w.contiguous() : w;
        MemorySegment seg = segment(m);
        long off = m.offset(), ld = rows == 1 ? cols : m.stride(0);
        boolean parallel = (long) rows * cols >= PARALLEL_WEIGHTS && Parallel.threads() > 1;
        if (!parallel) RowDots.rows(m.dtype(), seg, off, ld, 0, rows, x, cols, y);
        else Parallel.forChunks(rows, chunk(rows), (s, e) -> RowDots.rows(m.dtype(), seg, off, ld, s, e, x, cols, y));
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
