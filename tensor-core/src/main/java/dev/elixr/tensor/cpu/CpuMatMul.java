package dev.elixr.tensor.cpu;

import dev.elixr.tensor.DType;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * Batched matrix product on {@link Sgemm}. Each operand is passed without a copy when its last two
 * dimensions are row-major or transposed (unit stride along one of them, any batch strides including
 * the stride 0 of broadcast batches) and it lives in a float[] or a float32 memory segment (mapped
 * weights); anything else is copied first. Large products parallelise inside Sgemm; many small ones
 * (attention heads) run one product per thread.
 */
final class CpuMatMul {
    private CpuMatMul() {}

    /** An operand as Sgemm sees it: segment, offset, leading dimension, transposed or not. */
    record Operand(Tensor t, MemorySegment seg, boolean trans, int ld) {
        static Operand of(Tensor t) {
            int rows = t.size(-2), cols = t.size(-1), rs = t.stride(-2), cs = t.stride(-1);
            MemorySegment seg = segment(t);
            if (seg != null) {
                if ((cs == 1 || cols == 1) && (rows == 1 || rs >= cols)) return new Operand(t, seg, false, rows == 1 ? Math.max(1, cols) : rs);
                if ((rs == 1 || rows == 1) && (cols == 1 || cs >= rows)) return new Operand(t, seg, true, cols == 1 ? Math.max(1, rows) : cs);
            }
            Tensor c = t.copy();
            return new Operand(c, MemorySegment.ofArray(c.storage().array()), false, Math.max(1, cols));
        }

        private static MemorySegment segment(Tensor t) {
            float[] a = t.storage().array();
            if (a != null) return MemorySegment.ofArray(a);
            MemorySegment s = t.storage().segment();
            return s != null && t.dtype() == DType.F32 ? s : null;
        }
    }

    /** a [..., K] · op(B) for B packed beforehand: a new [..., N] tensor (the same bits as {@link #matmul(Tensor, Tensor, Tensor)} on B). */
    static Tensor matmul(Tensor a, PackedMatrix b) {
        int k = b.k(), n = b.n();
        if (a.device().kind() != dev.elixr.tensor.Device.Kind.CPU || a.dtype() != DType.F32)
            throw new IllegalArgumentException("packed product: input " + a + " must be float32 on the CPU");
        if (a.dim() == 0 || a.size(-1) != k)
            throw new IllegalArgumentException("packed product: input " + a + " does not end in the packed matrix's K = " + k
                    + " (op(B) is " + k + "x" + n + ")");
        int[] shape = a.shape().clone();
        shape[shape.length - 1] = n;
        Tensor a2 = a.dim() == 2 ? a : a.reshape(-1, k);
        int m = a2.size(0);
        float[] c = new float[Math.multiplyExact(m, n)];
        if (m > 0) {
            Operand x = Operand.of(a2);
            Sgemm.sgemm(x.trans(), m, 1f, x.seg(), x.t().offset(), x.ld(), b, 0f, c, 0, n, Parallel.threads());
        }
        return Tensor.wrap(c, shape);
    }

    static void matmul(Tensor a, Tensor b, Tensor out) {
        int r = out.dim(), m = out.size(-2), n = out.size(-1), k = a.size(-1);
        if (out.numel() == 0) return;
        float[] c = out.storage().array();
        int cb = out.offset();
        if (k == 0) {
            java.util.Arrays.fill(c, cb, cb + out.numel(), 0f);
            return;
        }
        Operand x = Operand.of(a), y = Operand.of(b);
        int[] batch = java.util.Arrays.copyOf(out.shape(), r - 2);
        int[] as = java.util.Arrays.copyOf(x.t().strides(), r - 2), bs = java.util.Arrays.copyOf(y.t().strides(), r - 2);
        int ao = x.t().offset(), bo = y.t().offset(), batches = Shape.numel(batch);
        boolean small = 2L * m * n * k < Sgemm.PARALLEL_FLOPS;
        Parallel.RangeBody body = (s, e) -> {
            for (int bi = s; bi < e; bi++)
                Sgemm.sgemm(x.trans(), y.trans(), m, n, k, 1f, x.seg(), CpuReduce.position(bi, batch, as, ao), x.ld(),
                        y.seg(), CpuReduce.position(bi, batch, bs, bo), y.ld(), 0f, c, cb + bi * m * n, n, small ? 1 : Parallel.threads());
        };
        if (small && batches > 1) Parallel.forRange(batches, 1, body);
        else body.run(0, batches);
    }
}
