package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/** Softmax and log-softmax along one axis, max-subtracted; vectorized when the axis is unit-stride. */
final class CpuSoftmax {
    private CpuSoftmax() {}

    static void softmax(Tensor x, int axis, boolean log, Tensor out) {
        x = HostArrays.heap(x);
        float[] in = x.storage().array(), o = out.storage().array();
        int[] shape = x.shape();
        int n = shape[axis], xs = x.stride(axis), ob = out.offset();
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) inner *= shape[d];
        int lines = n == 0 ? 0 : out.numel() / n;
        int[] lineShape = shape.clone();
        lineShape[axis] = 1;
        int[] strides = x.strides();
        int off = x.offset(), in1 = inner;
        Parallel.forRange(lines, Math.max(1, 4096 / Math.max(1, n)), (s, e) -> {
            for (int t = s; t < e; t++) {
                int p = CpuReduce.position(t, lineShape, strides, off);
                int q = ob + (t / in1) * n * in1 + t % in1;
                if (in1 == 1 && xs == 1) contiguous(in, p, o, q, n, log);
                else strided(in, p, xs, o, q, in1, n, log);
            }
        });
    }

    static void contiguous(float[] in, int p, float[] o, int q, int n, boolean log) {
        float max = CpuReduce.contiguousRow(dev.elixr.tensor.backend.ReduceOp.MAX, in, p, n);
        if (max == Float.NEGATIVE_INFINITY) max = 0f; // an all -inf row: exp gives 0s, as the reference
        FloatVector vmax = FloatVector.broadcast(F, max);
        FloatVector acc = FloatVector.zero(F);
        int k = 0;
        for (int b = F.loopBound(n); k < b; k += L) {
            FloatVector ex = FloatVector.fromArray(F, in, p + k).sub(vmax).lanewise(VectorOperators.EXP);
            acc = acc.add(ex);
            if (!log) ex.intoArray(o, q + k);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            float ex = (float) Math.exp(in[p + k] - max);
            sum += ex;
            if (!log) o[q + k] = ex;
        }
        k = 0;
        if (log) {
            FloatVector shift = FloatVector.broadcast(F, max + (float) Math.log(sum));
            for (int b = F.loopBound(n); k < b; k += L) FloatVector.fromArray(F, in, p + k).sub(shift).intoArray(o, q + k);
            float sh = max + (float) Math.log(sum);
            for (; k < n; k++) o[q + k] = in[p + k] - sh;
        } else {
            float inv = 1f / sum;
            for (int b = F.loopBound(n); k < b; k += L) FloatVector.fromArray(F, o, q + k).mul(inv).intoArray(o, q + k);
            for (; k < n; k++) o[q + k] *= inv;
        }
    }

    private static void strided(float[] in, int p, int xs, float[] o, int q, int os, int n, boolean log) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) max = Math.max(max, in[p + k * xs]);
        if (max == Float.NEGATIVE_INFINITY) max = 0f;
        double sum = 0;
        for (int k = 0; k < n; k++) {
            float ex = (float) Math.exp(in[p + k * xs] - max);
            sum += ex;
            if (!log) o[q + k * os] = ex;
        }
        if (log) {
            float sh = max + (float) Math.log(sum);
            for (int k = 0; k < n; k++) o[q + k * os] = in[p + k * xs] - sh;
        } else {
            float inv = (float) (1.0 / sum);
            for (int k = 0; k < n; k++) o[q + k * os] *= inv;
        }
    }
}
