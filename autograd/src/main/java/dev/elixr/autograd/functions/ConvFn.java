package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;
import dev.elixr.tensor.ops.Conv;
import dev.elixr.tensor.ops.Reduce;

/**
 * 2-D convolution (groups, depthwise, dilation) with backward to input, weight and bias. Both gradients are one
 * tensor-core op on the tensors' device ({@link Conv#conv2dBackward}): on the CPU a depthwise convolution's come
 * straight from g (no unfolding), the others' are col2im(Wᵀ·g) and g·im2col(x)ᵀ per group (Chellapilla et al. 2006) over
 * column bands of a few images (dW of a dense convolution whose channels fill whole vectors from a channels-last copy
 * of x instead, with no column matrix); the bias's is g summed over N, H, W. The node declares the backward's scratch besides dx
 * and dw ({@link Conv#backwardScratchFloats}).
 */
public final class ConvFn {
    private ConvFn() {}

    public static Var conv2d(Var x, Var w, Var bias, Conv2dParams p) {
        Tensor xv = x.value(), wv = w.value();
        Tensor y = Conv.conv2d(xv, wv, bias == null ? null : bias.value(), p);
        Var[] inputs = bias == null ? new Var[] {x, w} : new Var[] {x, w, bias};
        int ohw = y.size(2) * y.size(3);
        long scratch = 4 * Conv.backwardScratchFloats(xv.size(0), xv, wv, ohw, p), limit = 4 * Conv.backwardScratchFloats(Integer.MAX_VALUE, xv, wv, ohw, p);
        return Var.result("conv2d", y, scratch, limit, g -> {
            Tensor[] d = Conv.conv2dBackward(xv, wv, g, p, x.requiresGrad(), w.requiresGrad());
            if (bias == null) return d;
            return new Tensor[] {d[0], d[1], bias.requiresGrad() ? Reduce.sum(g, false, 0, 2, 3) : null};
        }, inputs);
    }
}
