package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Max, average and adaptive average pooling with backward. */
public final class PoolFn {
    private PoolFn() {}

    public static Var maxPool2d(Var x, int kernel, int stride, int padding) { throw Pending.ops("maxPool2d"); }
    public static Var avgPool2d(Var x, int kernel, int stride, int padding) { throw Pending.ops("avgPool2d"); }
    public static Var adaptiveAvgPool2d(Var x, int outH, int outW) { throw Pending.ops("adaptiveAvgPool2d"); }
}
