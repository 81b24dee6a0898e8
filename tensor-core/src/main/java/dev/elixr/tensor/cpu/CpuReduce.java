package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.ReduceOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * Reductions over any set of axes. Three paths: reduced elements contiguous per output (vector
 * reduction along the run), reduced axes forming one block of a contiguous tensor with at least a vector
 * of kept elements after it — [outer, R, inner] → [outer, inner], R leading when outer = 1 (vector
 * accumulation of whole rows in float: bias gradients, the backward of a broadcast such as grouped-query
 * attention's repeated keys) — and a general strided walk (double accumulation).
 */
final class CpuReduce {
    private CpuReduce() {}

    static void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) {
        x = HostArrays.heap(x);
        int rank = x.dim();
        int[] shape = x.shape(), strides = x.strides();
        boolean[] red = new boolean[rank];
        for (int a : axes) red[a] = true;
        int nr = 0;
        for (boolean r : red) if (r) nr++;
        int[] rs = new int[nr], rst = new int[nr], ks = new int[rank - nr], kst = new int[rank - nr];
        for (int d = 0, i = 0, j = 0; d < rank; d++) {
            if (red[d]) { rs[i] = shape[d]; rst[i++] = strides[d]; }
            else { ks[j] = shape[d]; kst[j++] = strides[d]; }
        }
        int count = dev.elixr.tensor.Shape.numel(rs), outputs = out.numel();
        float[] in = x.storage().array(), o = out.storage().array();
        int ob = out.offset();
        if (outputs == 0) return;
        if (count == 0) {
            java.util.Arrays.fill(o, ob, ob + outputs, op == ReduceOp.SUM ? 0f : Float.NaN);
            return;
        }
        float scale = op == ReduceOp.MEAN ? 1f / count : 1f;
        int[] block = reducedBlock(x, red);
        if (block != null && count > 1 && (block[0] == 1 || block[1] >= L)) {
            blocks(op, in, x.offset(), block[0], count, block[1], o, ob, scale);
            return;
        }
        var rl = new StridedLoop(new Tensor(x.storage(), rs, rst, x.offset()));
        if (outputs == 1 && rl.rows == 1 && rl.innerStrides[0] == 1 && count >= 1 << 15) {
            int[] b = new int[1];
            rl.bases(0, b);
            o[ob] = splitRow(op, in, b[0], count) * scale;
            return;
        }
        int grain = Math.max(1, (1 << 14) / count);
        Parallel.forRange(outputs, grain, (s, e) -> {
            int[] b = new int[1];
            for (int j = s; j < e; j++) {
                int shift = position(j, ks, kst, 0);
                o[ob + j] = walk(op, in, rl, shift, b) * scale;
            }
        });
    }

    /**
     * {outer, inner} when x is contiguous and its reduced axes (of size > 1) are one run of adjacent axes: kept
     * elements before the run multiply to outer, after it to inner; else null.
     */
    private static int[] reducedBlock(Tensor x, boolean[] red) {
        if (!x.isContiguous()) return null;
        int outer = 1, inner = 1, phase = 0; // 0: before the run, 1: in it, 2: after it
        for (int d = 0; d < red.length; d++) {
            int n = x.shape()[d];
            if (n == 1) continue;
            if (red[d]) {
                if (phase == 2) return null;
                phase = 1;
            } else if (phase == 0) outer *= n;
            else {
                phase = 2;
                inner *= n;
            }
        }
        return new int[] {outer, inner};
    }

    /** out[q, j] = op over i of x[(q·count + i)·inner + j]: rows of inner elements accumulated as vectors. */
    private static void blocks(ReduceOp op, float[] in, int base, int outer, int count, int inner, float[] o, int ob, float scale) {
        Parallel.forRange(outer * inner, Math.max(L, (1 << 14) / count), (s, e) -> {
            for (int j = s; j < e; ) {
                int q = j / inner, end = Math.min(e, (q + 1) * inner);
                accumulate(op, in, base + q * count * inner, count, inner, j - q * inner, end - q * inner, o, ob + q * inner, scale);
                j = end;
            }
        });
    }

    /** Columns [s, e) of one block: out[j] = op over i of x[i·inner + j], vectors then a scalar tail. */
    private static void accumulate(ReduceOp op, float[] in, int base, int count, int inner, int s, int e, float[] o, int ob, float scale) {
        int bound = s + F.loopBound(e - s);
        switch (op) {
            case SUM, MEAN -> {
                for (int j = s; j < bound; j += L) {
                    FloatVector acc = FloatVector.fromArray(F, in, base + j);
                    for (int i = 1; i < count; i++) acc = acc.add(FloatVector.fromArray(F, in, base + i * inner + j));
                    acc.mul(scale).intoArray(o, ob + j);
                }
            }
            case MAX -> {
                for (int j = s; j < bound; j += L) {
                    FloatVector acc = FloatVector.fromArray(F, in, base + j);
                    for (int i = 1; i < count; i++) acc = acc.max(FloatVector.fromArray(F, in, base + i * inner + j));
                    acc.intoArray(o, ob + j);
                }
            }
            case MIN -> {
                for (int j = s; j < bound; j += L) {
                    FloatVector acc = FloatVector.fromArray(F, in, base + j);
                    for (int i = 1; i < count; i++) acc = acc.min(FloatVector.fromArray(F, in, base + i * inner + j));
                    acc.intoArray(o, ob + j);
                }
            }
        }
        for (int j = bound; j < e; j++) {
            float acc = in[base + j];
            for (int i = 1; i < count; i++) acc = combine(op, acc, in[base + i * inner + j]);
            o[ob + j] = acc * scale;
        }
    }

    /** Reduces the reduced sub-view shifted by shift, row by row. */
    private static float walk(ReduceOp op, float[] in, StridedLoop rl, int shift, int[] b) {
        double acc = identity(op);
        int st = rl.innerStrides[0], n = rl.rowLength;
        for (int r = 0; r < rl.rows; r++) {
            rl.bases(r, b);
            int p = b[0] + shift;
            if (st == 1 && n >= L) acc = combine(op, acc, contiguousRow(op, in, p, n));
            else if (op == ReduceOp.SUM || op == ReduceOp.MEAN) for (int k = 0; k < n; k++) acc += in[p + k * st];
            else for (int k = 0; k < n; k++) acc = combine(op, acc, in[p + k * st]);
        }
        return (float) acc;
    }

    /** A long contiguous run split over the pool; partials combined in a fixed order (deterministic). */
    private static float splitRow(ReduceOp op, float[] in, int p, int n) {
        int chunks = Math.max(1, Math.min(Parallel.threads() * 4, n / (1 << 13)));
        double[] part = new double[chunks];
        Parallel.forRange(chunks, 1, (s, e) -> {
            for (int c = s; c < e; c++) {
                int a = (int) ((long) n * c / chunks), z = (int) ((long) n * (c + 1) / chunks);
                part[c] = contiguousRow(op, in, p + a, z - a);
            }
        });
        double acc = part[0];
        for (int c = 1; c < chunks; c++) acc = combine(op, acc, part[c]);
        return (float) acc;
    }

    /** Vector reduction of in[p, p+n) (one loop per op, so no vector value merges across branches). */
    static float contiguousRow(ReduceOp op, float[] in, int p, int n) {
        if (n < L) {
            float acc = (float) identity(op);
            for (int k = 0; k < n; k++) acc = combine(op, acc, in[p + k]);
            return acc;
        }
        int b = F.loopBound(n);
        float acc;
        switch (op) {
            case SUM, MEAN -> {
                FloatVector v = FloatVector.fromArray(F, in, p);
                for (int k = L; k < b; k += L) v = v.add(FloatVector.fromArray(F, in, p + k));
                acc = Simd.sumLanes(v); // fixed order: reduceLanes(ADD) differs between JIT tiers
            }
            case MAX -> {
                FloatVector v = FloatVector.fromArray(F, in, p);
                for (int k = L; k < b; k += L) v = v.max(FloatVector.fromArray(F, in, p + k));
                acc = v.reduceLanes(VectorOperators.MAX);
            }
            default -> {
                FloatVector v = FloatVector.fromArray(F, in, p);
                for (int k = L; k < b; k += L) v = v.min(FloatVector.fromArray(F, in, p + k));
                acc = v.reduceLanes(VectorOperators.MIN);
            }
        }
        for (int k = b; k < n; k++) acc = combine(op, acc, in[p + k]);
        return acc;
    }

    private static float combine(ReduceOp op, float a, float b) {
        return switch (op) {
            case SUM, MEAN -> a + b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    private static double combine(ReduceOp op, double a, double b) {
        return switch (op) {
            case SUM, MEAN -> a + b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    private static double identity(ReduceOp op) {
        return switch (op) {
            case SUM, MEAN -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    /** Storage position of row-major index j in a view of the given shape and strides. */
    static int position(int j, int[] shape, int[] strides, int offset) {
        int p = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            int sz = shape[d];
            p += (j % sz) * strides[d];
            j /= sz;
        }
        return p;
    }

    static void argReduce(boolean max, Tensor x, int axis, Tensor out) {
        x = HostArrays.heap(x);
        float[] in = x.storage().array(), o = out.storage().array();
        int n = x.size(axis), st = x.stride(axis), ob = out.offset(), off = x.offset();
        int[] os = out.shape(), xs = x.strides();
        if (n == 0) throw new IllegalArgumentException("argReduce: dimension " + axis + " is empty");
        Parallel.forRange(out.numel(), Math.max(1, 8192 / n), (s, e) -> {
            for (int j = s; j < e; j++) {
                int p = position(j, os, xs, off);
                int best = 0;
                float bv = in[p];
                for (int i = 1; i < n; i++) {
                    float v = in[p + i * st];
                    if (max ? v > bv : v < bv) { bv = v; best = i; }
                }
                o[ob + j] = best;
            }
        });
    }
}
