package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Norm;

/** Layer norm (Ba et al. 2016) and RMS norm (Zhang &amp; Sennrich 2019) over the last dimension, with backward. */
public final class NormFn {
    private NormFn() {}

    /** Forward and backward are tensor-core's fused kernels (dx = (1/σ)·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)), ĝ = g⊙γ). */
    public static Var layerNorm(Var x, Var gamma, Var beta, float eps) {
        Tensor xv = x.value(), gv = gamma == null ? null : gamma.value();
        Tensor y = Norm.layerNorm(xv, gv, beta == null ? null : beta.value(), eps);
        Var[] inputs = {x, gamma, beta};
        return Var.result("layerNorm", y, g -> Norm.layerNormBackward(xv, gv, g, eps, x.requiresGrad(),
                gamma != null && gamma.requiresGrad(), beta != null && beta.requiresGrad()), inputs);
    }

    /** dx = r·(ĝ − x·r²·mean(ĝ⊙x)) with r = 1/√(mean(x²)+eps), ĝ = g⊙γ; dγ = Σ g⊙x·r. */
    public static Var rmsNorm(Var x, Var gamma, float eps) {
        Tensor xv = x.value(), gv = gamma == null ? null : gamma.value();
        Tensor y = Norm.rmsNorm(xv, gv, eps);
        Var[] inputs = {x, gamma};
        return Var.result("rmsNorm", y, g -> Norm.rmsNormBackward(xv, gv, g, eps, x.requiresGrad(), gamma != null && gamma.requiresGrad()), inputs);
    }
}
