package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * Batched matrix product, straightforward: row-major operands (any batch strides, including the
 * stride-0 of broadcast batches), i-k-j loop with FMA vectors along rows of B, parallel over output
 * rows. A transposed B (unit stride down its columns) runs as row-by-row dot products without a copy.
 * Any other layout is copied first. (The packed, register-blocked SGEMM comes with the fast-kernels issue.)
 */
final class CpuMatMul {
    private CpuMatMul() {}

    static void matmul(Tensor a, Tensor b, Tensor out) {
        int r = out.dim(), m = out.size(-2), n = out.size(-1), k = a.size(-1);
        if (out.numel() == 0) return;
        float[] c = out.storage().array();
        int cb = out.offset();
        if (k == 0) {
            java.util.Arrays.fill(c, cb, cb + out.numel(), 0f);
            return;
        }
        if (a.storage().array() == null || a.stride(-1) != 1 && k > 1) a = a.copy();
        boolean bt = b.storage().array() != null && (b.stride(-2) == 1 || k == 1) && b.stride(-1) != 1 && n > 1;
        if (!bt && (b.storage().array() == null || b.stride(-1) != 1 && n > 1)) b = b.copy();
        int[] batch = java.util.Arrays.copyOf(out.shape(), r - 2);
        int[] as = java.util.Arrays.copyOf(a.strides(), r - 2), bs = java.util.Arrays.copyOf(b.strides(), r - 2);
        float[] x = a.storage().array(), y = b.storage().array();
        int lda = a.stride(-2), ldb = bt ? b.stride(-1) : b.stride(-2), ao = a.offset(), bo = b.offset();
        long flopsPerRow = 2L * k * n;
        int grain = (int) Math.max(1, (1L << 17) / Math.max(1, flopsPerRow));
        Parallel.forRange(dev.elixr.tensor.Shape.numel(batch) * m, grain, (s, e) -> {
            for (int row = s; row < e; row++) {
                int bi = row / m, i = row % m;
                int pa = CpuReduce.position(bi, batch, as, ao) + i * lda;
                int pb = CpuReduce.position(bi, batch, bs, bo);
                int pc = cb + row * n;
                if (bt) dotRow(x, pa, y, pb, ldb, c, pc, n, k);
                else axpyRow(x, pa, y, pb, ldb, c, pc, n, k);
            }
        });
    }

    /** c[0..n) = Σ_p a[p] · B[p, 0..n): B rows at pb + p*ldb, unit stride. */
    static void axpyRow(float[] a, int pa, float[] b, int pb, int ldb, float[] c, int pc, int n, int k) {
        java.util.Arrays.fill(c, pc, pc + n, 0f);
        int bound = F.loopBound(n);
        for (int p = 0; p < k; p++) {
            float av = a[pa + p];
            FloatVector va = FloatVector.broadcast(F, av);
            int rb = pb + p * ldb, j = 0;
            for (; j < bound; j += L) {
                va.fma(FloatVector.fromArray(F, b, rb + j), FloatVector.fromArray(F, c, pc + j)).intoArray(c, pc + j);
            }
            for (; j < n; j++) c[pc + j] += av * b[rb + j];
        }
    }

    /** c[j] = a · Bᵀ[j]: column j of B is unit-stride at pb + j*ldbt. */
    private static void dotRow(float[] a, int pa, float[] b, int pb, int ldbt, float[] c, int pc, int n, int k) {
        for (int j = 0; j < n; j++) c[pc + j] = dot(a, pa, b, pb + j * ldbt, k);
    }

    static float dot(float[] a, int pa, float[] b, int pb, int k) {
        FloatVector acc = FloatVector.zero(F);
        int p = 0;
        for (int bound = F.loopBound(k); p < bound; p += L) {
            acc = FloatVector.fromArray(F, a, pa + p).fma(FloatVector.fromArray(F, b, pb + p), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) s += a[pa + p] * b[pb + p];
        return s;
    }

    /** C[m,n] (+)= A[m,k] · B[k,n], row-major with leading dimensions; rows in parallel. */
    static void gemm(float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc, int m, int n, int k) {
        int grain = (int) Math.max(1, (1L << 17) / Math.max(1, 2L * k * n));
        Parallel.forRange(m, grain, (s, e) -> {
            for (int i = s; i < e; i++) axpyRow(a, ao + i * lda, b, bo, ldb, c, co + i * ldc, n, k);
        });
    }
}
