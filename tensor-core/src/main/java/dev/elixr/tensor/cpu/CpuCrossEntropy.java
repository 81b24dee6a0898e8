package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * Cross-entropy with label smoothing over rows of logits [N,C] and its gradient, fused (no [N,C] log-softmax or
 * one-hot is kept). Strategy: one row per item of a parallel range; per row the max, then log Σ exp(x − max) (float
 * vector exponentials and sum, the logarithm in double; stable for any logits), then the loss or the gradient in one
 * more pass.
 */
final class CpuCrossEntropy {
    private CpuCrossEntropy() {}

    static void forward(Tensor logits, int[] targets, float smoothing, int ignoreIndex, Tensor rowLoss) {
        Tensor x = HostArrays.dense(logits);
        int n = x.size(0), c = x.size(1);
        float[] xs = x.storage().array(), out = rowLoss.storage().array();
        int xo = x.offset(), ro = rowLoss.offset();
        double on = 1 - (double) smoothing, off = (double) smoothing / c;
        Parallel.forRange(n, Math.max(1, 8192 / Math.max(1, c)), (s, e) -> {
            for (int i = s; i < e; i++) {
                if (targets[i] == ignoreIndex) {
                    out[ro + i] = 0f;
                    continue;
                }
                int o = xo + i * c;
                double lse = logSumExp(xs, o, c), rowSum = 0;
                if (off != 0) for (int j = 0; j < c; j++) rowSum += xs[o + j] - lse;
                out[ro + i] = (float) -(on * (xs[o + targets[i]] - lse) + off * rowSum);
            }
        });
    }

    static void backward(Tensor logits, int[] targets, float smoothing, int ignoreIndex, float scale, Tensor dx) {
        Tensor x = HostArrays.dense(logits);
        int n = x.size(0), c = x.size(1);
        float[] xs = x.storage().array(), out = dx.storage().array();
        int xo = x.offset(), dxo = dx.offset();
        double on = 1 - (double) smoothing, off = (double) smoothing / c;
        Parallel.forRange(n, Math.max(1, 8192 / Math.max(1, c)), (s, e) -> {
            for (int i = s; i < e; i++) {
                int o = xo + i * c, q = dxo + i * c;
                if (targets[i] == ignoreIndex) {
                    java.util.Arrays.fill(out, q, q + c, 0f);
                    continue;
                }
                double lse = logSumExp(xs, o, c);
                gradientRow(xs, o, out, q, c, (float) lse, (float) off, scale);
                out[q + targets[i]] -= (float) (on * scale);
            }
        });
    }

    /** out[q, q+c) = (e^(x − lse) − off)·scale: the exponentials by {@link VectorMath#expShifted}, then one vector pass. */
    private static void gradientRow(float[] x, int o, float[] out, int q, int c, float lse, float off, float scale) {
        VectorMath.expShifted(x, o, lse, out, q, c);
        FloatVector vo = FloatVector.broadcast(F, off), vs = FloatVector.broadcast(F, scale);
        int j = 0;
        for (int b = F.loopBound(c); j < b; j += L) FloatVector.fromArray(F, out, q + j).sub(vo).mul(vs).intoArray(out, q + j);
        for (; j < c; j++) out[q + j] = (out[q + j] - off) * scale;
    }

    /**
     * log Σ_j exp(x[o + j]), shifted by the row max ({@link CpuSoftmax#max}); the exponentials and their sum in float
     * vectors ({@link VectorMath#expShiftedSum}: each term ≤ 1), the logarithm in double.
     */
    static double logSumExp(float[] x, int o, int c) {
        float max = CpuSoftmax.max(x, o, c);
        if (max == Float.NEGATIVE_INFINITY) return max;
        return max + Math.log(VectorMath.expShiftedSum(x, o, max, x, o, c, false));
    }
}
