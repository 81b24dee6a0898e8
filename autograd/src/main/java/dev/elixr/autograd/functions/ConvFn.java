package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** 2-D convolution (groups, depthwise, dilation) with backward to input, weight and bias. */
public final class ConvFn {
    private ConvFn() {}

    public static Var conv2d(Var x, Var w, Var bias, dev.elixr.tensor.backend.Conv2dParams p) { throw Pending.ops("conv2d"); }
}
