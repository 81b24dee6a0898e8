package dev.elixr.tensor.ops;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;

/** Normalisation over the last dimension. */
public final class Norm {
    private Norm() {}

    /** Layer norm (Ba et al. 2016, eq. 4): (x − mean)/√(var + eps)·gamma + beta; gamma and beta [D] or null. */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        checkAffine("layerNorm", x, gamma, "gamma");
        checkAffine("layerNorm", x, beta, "beta");
        Backend be = Backends.of("layerNorm", x, gamma, beta);
        Tensor out = Outputs.allocate(be, x.shape());
        be.layerNorm(x, gamma, beta, eps, out);
        return out;
    }

    /** RMS norm (Zhang and Sennrich 2019, eq. 4): x/√(mean(x²) + eps)·gamma; gamma [D] or null. */
    public static Tensor rmsNorm(Tensor x, Tensor gamma, float eps) {
        checkAffine("rmsNorm", x, gamma, "gamma");
        Backend be = Backends.of("rmsNorm", x, gamma);
        Tensor out = Outputs.allocate(be, x.shape());
        be.rmsNorm(x, gamma, eps, out);
        return out;
    }

    private static void checkAffine(String op, Tensor x, Tensor p, String name) {
        if (x.dim() == 0) throw new IllegalArgumentException(op + ": x is a scalar; it needs a last dimension to normalise");
        if (p == null) return;
        if (p.dim() != 1 || p.size(0) != x.size(-1)) {
            throw new IllegalArgumentException(op + ": " + name + " " + Outputs.str(p) + " does not match the last dimension "
                    + x.size(-1) + " of x " + Outputs.str(x) + " (expected [" + x.size(-1) + "])");
        }
    }
}
