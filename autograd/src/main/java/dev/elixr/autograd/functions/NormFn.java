package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Layer norm (Ba et al. 2016) and RMS norm (Zhang &amp; Sennrich 2019) over the last dimension, with backward. */
public final class NormFn {
    private NormFn() {}

    public static Var layerNorm(Var x, Var gamma, Var beta, float eps) { throw Pending.ops("layerNorm"); }
    public static Var rmsNorm(Var x, Var gamma, float eps) { throw Pending.ops("rmsNorm"); }
}
