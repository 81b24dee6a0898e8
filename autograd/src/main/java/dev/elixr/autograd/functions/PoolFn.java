package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Pool;

/** Max, average and adaptive average pooling with backward (tensor-core's pooling gradients, on the tensors' device). */
public final class PoolFn {
    private PoolFn() {}

    /** Backward routes each window's gradient to its (first) maximum. */
    public static Var maxPool2d(Var x, int kernel, int stride, int padding) {
        Tensor xv = x.value();
        Tensor y = Pool.maxPool2d(xv, kernel, stride, padding);
        return Var.result("maxPool2d", y, g -> new Tensor[] {Pool.maxPool2dBackward(xv, g, kernel, stride, padding)}, x);
    }

    /** Backward spreads g/k² over each window's cells inside the input (padded cells count in the divisor). */
    public static Var avgPool2d(Var x, int kernel, int stride, int padding) {
        Tensor xv = x.value();
        Tensor y = Pool.avgPool2d(xv, kernel, stride, padding);
        return Var.result("avgPool2d", y, g -> new Tensor[] {Pool.avgPool2dBackward(xv, g, kernel, stride, padding)}, x);
    }

    /**
     * Windows [⌊i·H/oh⌋, ⌈(i+1)·H/oh⌉), as torch.nn.AdaptiveAvgPool2d: one average pooling when the sizes divide,
     * else the mean over each band of rows, then of columns, composed of differentiable ops (so is its backward).
     */
    public static Var adaptiveAvgPool2d(Var x, int outH, int outW) {
        Tensor xv = x.value();
        if (x.dim() == 4 && Pool.isUniform(xv, outH, outW)) {
            Tensor y = Pool.adaptiveAvgPool2d(xv, outH, outW);
            return Var.result("adaptiveAvgPool2d", y, g -> new Tensor[] {Pool.adaptiveAvgPool2dBackward(xv, g, outH, outW)}, x);
        }
        if (x.dim() != 4) throw new IllegalArgumentException("adaptiveAvgPool2d: x " + x + " must be [N,C,H,W]");
        return bands(bands(x, 3, outW), 2, outH);
    }

    private static Var bands(Var x, int axis, int n) {
        int size = x.size(axis);
        Var[] parts = new Var[n];
        for (int i = 0; i < n; i++) {
            int s = Math.floorDiv(i * size, n), e = -Math.floorDiv(-(i + 1) * size, n);
            parts[i] = x.narrow(axis, s, e - s).mean(true, axis);
        }
        return JoinFn.concat(axis, parts);
    }
}
