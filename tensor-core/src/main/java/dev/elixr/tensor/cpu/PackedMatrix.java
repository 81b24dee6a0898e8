package dev.elixr.tensor.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The B operand of C = op(A)·op(B), packed once into {@link Sgemm}'s strips for every product that shares it: a layer's
 * weight at inference (wᵀ of x·wᵀ), which a product would otherwise pack again on every call. Packing wᵀ from PyTorch's
 * [out, in] layout is an 8×VL register transpose per block: with it done once, x·wᵀ with a ViT-B's weight runs 1.07–1.14×
 * faster at 197 rows, 1.35–1.7× at 64–32 rows and 2.3–2.6× at 8 (one and two threads, AVX-512 Xeon; docs/results.md,
 * session 33).
 *
 * <p>Layout: for each K block of the plan's KC ({@link Sgemm#evenBlock}, as the product splits K), the block's rows of
 * op(B) in NR-wide strips over all N columns (k-major inside a strip, the last strip zero-padded), exactly what the
 * product packs for each of its panels; so {@link Sgemm#sgemm(boolean, int, float, MemorySegment, long, int, PackedMatrix,
 * float, float[], int, int, int)} gives the same bits as the unpacked call on the source. Products that never pack B
 * (one row or one column, tiny ones, {@link SgemmDot}'s) read the source, which this keeps a reference to.
 *
 * <p>A snapshot: the source is read once, here. Whoever keeps one must make a new one when the source changes (a
 * weight written by an optimiser step, a loaded checkpoint). Memory: one more copy of op(B), N rounded up to NR.
 */
public final class PackedMatrix {
    private final GemmPlan plan;
    private final boolean transposed;
    private final int k, n, kc, paddedN, ld;
    private final MemorySegment source;
    private final long offset;
    private final float[] data;
    private final int base;

    private PackedMatrix(GemmPlan plan, boolean transposed, int k, int n, MemorySegment source, long offset, int ld) {
        this.plan = plan;
        this.transposed = transposed;
        this.k = k;
        this.n = n;
        this.source = source;
        this.offset = offset;
        this.ld = ld;
        this.kc = Sgemm.evenBlock(k, plan.kc(), 1);
        this.paddedN = Sgemm.roundUp(n, plan.nr());
        long floats = (long) paddedN * k + CacheLines.SLACK;
        if (floats > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("PackedMatrix: " + k + "x" + n + " packs into " + floats + " floats, more than one Java array holds");
        this.data = new float[(int) floats];
        this.base = CacheLines.floatsToLine(data);
        for (int pc = 0; pc < k; pc += kc)
            GemmPack.packB(plan.nr(), transposed, source, offset, ld, pc, Math.min(kc, k - pc), 0, n, data, blockOffset(pc));
    }

    /**
     * Packs op(B) (K×N) for this machine's plan: B is stored in {@code b} from element {@code off} with leading dimension
     * {@code ldb}, transposed (stored N×K, as a [out, in] weight for x·wᵀ) or not (stored K×N).
     */
    public static PackedMatrix of(boolean transposed, int k, int n, MemorySegment b, long off, int ldb) {
        return of(Sgemm.PLAN, transposed, k, n, b, off, ldb);
    }

    /** As {@link #of(boolean, int, int, MemorySegment, long, int)} for the given plan (tests run every tile). */
    public static PackedMatrix of(GemmPlan plan, boolean transposed, int k, int n, MemorySegment b, long off, int ldb) {
        if (k <= 0 || n <= 0) throw new IllegalArgumentException("PackedMatrix: op(B) of " + k + "x" + n + " is empty");
        Sgemm.check("B", transposed, k, n, b, off, ldb);
        return new PackedMatrix(plan, transposed, k, n, b, off, ldb);
    }

    /**
     * Packs b, a 2-D float32 tensor on the CPU (heap or mapped), as op(B) = b: K = b's rows, N = its columns, read in
     * place when it is row-major or a transposed view (wᵀ of a [out, in] weight: {@code of(w.t())}), else from a copy.
     */
    public static PackedMatrix of(dev.elixr.tensor.Tensor b) {
        if (b.dim() != 2 || b.device().kind() != dev.elixr.tensor.Device.Kind.CPU || b.dtype() != dev.elixr.tensor.DType.F32)
            throw new IllegalArgumentException("PackedMatrix: " + b + " is not a 2-D float32 tensor on the CPU");
        CpuMatMul.Operand o = CpuMatMul.Operand.of(b);
        return of(o.trans(), b.size(0), b.size(1), o.seg(), o.t().offset(), o.ld());
    }

    /** x [..., K] · op(B): a new float32 tensor [..., N], x on the CPU; the same bits as {@code MatMul.matmul(x, b)} on the source. */
    public dev.elixr.tensor.Tensor times(dev.elixr.tensor.Tensor x) { return CpuMatMul.matmul(x, this); }

    /** Floats this packing holds (op(B) with N rounded up to NR, and a cache line's slack). */
    public long floats() { return data.length; }

    GemmPlan plan() { return plan; }

    /** Rows of op(B): the product's K. */
    public int k() { return k; }

    /** Columns of op(B): the product's N. */
    public int n() { return n; }

    /** Whether B is stored transposed (N×K). */
    public boolean transposed() { return transposed; }

    MemorySegment source() { return source; }

    long sourceOffset() { return offset; }

    int ld() { return ld; }

    /** The K block the packing used: a product packs B in these blocks only with this plan. */
    int kc() { return kc; }

    float[] data() { return data; }

    /** Where K block pc (a multiple of {@link #kc()}) starts in {@link #data()}: all blocks before it are KC rows deep. */
    int blockOffset(int pc) { return base + pc * paddedN; }
}
