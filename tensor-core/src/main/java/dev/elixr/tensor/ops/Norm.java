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

    /**
     * Gradients of {@link #layerNorm} for output gradient g: {dx, dgamma, dbeta}, each null where its flag is false
     * (dgamma and dbeta are [D]).
     */
    public static Tensor[] layerNormBackward(Tensor x, Tensor gamma, Tensor g, float eps, boolean needX, boolean needGamma, boolean needBeta) {
        checkAffine("layerNormBackward", x, gamma, "gamma");
        checkGradient("layerNormBackward", x, g);
        Backend be = Backends.of("layerNormBackward", x, gamma, g);
        int d = x.size(-1);
        Tensor dx = needX ? Outputs.allocate(be, x.shape()) : null, dg = needGamma ? Outputs.allocate(be, d) : null;
        Tensor db = needBeta ? Outputs.allocate(be, d) : null;
        if (dx != null || dg != null || db != null) be.layerNormBackward(x, gamma, g, eps, dx, dg, db);
        return new Tensor[] {dx, dg, db};
    }

    /** Gradients of {@link #rmsNorm}: {dx, dgamma}, null where the flag is false. */
    public static Tensor[] rmsNormBackward(Tensor x, Tensor gamma, Tensor g, float eps, boolean needX, boolean needGamma) {
        checkAffine("rmsNormBackward", x, gamma, "gamma");
        checkGradient("rmsNormBackward", x, g);
        Backend be = Backends.of("rmsNormBackward", x, gamma, g);
        Tensor dx = needX ? Outputs.allocate(be, x.shape()) : null, dg = needGamma ? Outputs.allocate(be, x.size(-1)) : null;
        if (dx != null || dg != null) be.rmsNormBackward(x, gamma, g, eps, dx, dg);
        return new Tensor[] {dx, dg};
    }

    /** Batch norm in training mode: the normalised output and the batch statistics it used (mean and biased variance, [C]). */
    public record BatchNorm(Tensor out, Tensor mean, Tensor var) {}

    /**
     * Batch norm over N,H,W of x [N,C,H,W] with the batch's own statistics (Ioffe &amp; Szegedy 2015, Algorithm 1);
     * gamma, beta [C] or null.
     */
    public static BatchNorm batchNorm2d(Tensor x, Tensor gamma, Tensor beta, float eps) {
        checkChannels("batchNorm2d", x, gamma, "gamma");
        checkChannels("batchNorm2d", x, beta, "beta");
        Backend be = Backends.of("batchNorm2d", x, gamma, beta);
        Tensor out = Outputs.allocate(be, x.shape()), mean = Outputs.allocate(be, x.size(1)), var = Outputs.allocate(be, x.size(1));
        be.batchNorm2d(x, gamma, beta, eps, out, mean, var);
        return new BatchNorm(out, mean, var);
    }

    /** Gradients of {@link #batchNorm2d} given its batch statistics: {dx, dgamma, dbeta}, null where the flag is false. */
    public static Tensor[] batchNorm2dBackward(Tensor x, Tensor gamma, BatchNorm stats, float eps, Tensor g,
                                               boolean needX, boolean needGamma, boolean needBeta) {
        checkChannels("batchNorm2dBackward", x, gamma, "gamma");
        checkGradient("batchNorm2dBackward", x, g);
        Backend be = Backends.of("batchNorm2dBackward", x, gamma, g, stats.mean());
        int c = x.size(1);
        Tensor dx = needX ? Outputs.allocate(be, x.shape()) : null, dg = needGamma ? Outputs.allocate(be, c) : null;
        Tensor db = needBeta ? Outputs.allocate(be, c) : null;
        if (dx != null || dg != null || db != null) be.batchNorm2dBackward(x, gamma, stats.mean(), stats.var(), eps, g, dx, dg, db);
        return new Tensor[] {dx, dg, db};
    }

    /**
     * As {@link #batchNorm2dBackward} with dx written over g itself: {g (now dx), dgamma, dbeta}. For a gradient the
     * caller owns (made for this call, e.g. masked by an activation's derivative): the backends read each element of g
     * (after its channel's sums) before writing dx there. g must be contiguous.
     */
    public static Tensor[] batchNorm2dBackwardInPlace(Tensor x, Tensor gamma, BatchNorm stats, float eps, Tensor g,
                                                      boolean needGamma, boolean needBeta) {
        checkChannels("batchNorm2dBackwardInPlace", x, gamma, "gamma");
        checkGradient("batchNorm2dBackwardInPlace", x, g);
        if (!g.isContiguous()) throw new IllegalArgumentException("batchNorm2dBackwardInPlace: g " + Outputs.str(g) + " is a strided view; dx over it needs a contiguous tensor");
        Backend be = Backends.of("batchNorm2dBackwardInPlace", x, gamma, g, stats.mean());
        int c = x.size(1);
        Tensor dg = needGamma ? Outputs.allocate(be, c) : null, db = needBeta ? Outputs.allocate(be, c) : null;
        be.batchNorm2dBackward(x, gamma, stats.mean(), stats.var(), eps, g, g, dg, db);
        return new Tensor[] {g, dg, db};
    }

    private static void checkChannels(String op, Tensor x, Tensor p, String name) {
        if (x.dim() != 4) throw new IllegalArgumentException(op + ": x " + Outputs.str(x) + " must be [N,C,H,W]");
        if (p != null && (p.dim() != 1 || p.size(0) != x.size(1))) {
            throw new IllegalArgumentException(op + ": " + name + " " + Outputs.str(p) + " does not match the " + x.size(1)
                    + " channels of x " + Outputs.str(x));
        }
    }

    private static void checkGradient(String op, Tensor x, Tensor g) {
        if (!x.sameShape(g)) throw new IllegalArgumentException(op + ": gradient " + Outputs.str(g) + " differs from x " + Outputs.str(x));
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
