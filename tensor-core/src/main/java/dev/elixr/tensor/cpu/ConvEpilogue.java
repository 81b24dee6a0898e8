package dev.elixr.tensor.cpu;

import dev.elixr.tensor.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * What a convolution does to each output plane before it is stored: y = act(acc·scale[o] + shift[o]), a folded batch
 * norm (scale γ/√(σ²+ε), shift β − μ·scale; Jacob et al. 2018 §3.2) or a bias (scale absent), then an activation
 * (absent: identity). Applied while the plane is still in cache, so one pass over the output does all three. Arrays
 * are read at their offsets; scale, shift and act may each be null.
 */
public record ConvEpilogue(float[] scale, int scaleOff, float[] shift, int shiftOff, UnaryOp act) {
    public static final ConvEpilogue NONE = new ConvEpilogue(null, 0, null, 0, null);

    /** A plain bias (null: nothing at all). */
    public static ConvEpilogue bias(float[] bias, int biasOff) { return bias == null ? NONE : new ConvEpilogue(null, 0, bias, biasOff, null); }

    boolean isIdentity() { return scale == null && shift == null && act == null; }

    /** True when {@link #apply(FloatVector, FloatVector, FloatVector)} computes the whole epilogue in registers. */
    boolean inRegisters() { return act == null || act == UnaryOp.SILU || act == UnaryOp.SIGMOID || act == UnaryOp.RELU; }

    float scaleAt(int channel) { return scale == null ? 1f : scale[scaleOff + channel]; }

    float shiftAt(int channel) { return shift == null ? 0f : shift[shiftOff + channel]; }

    /** act(acc·s + b) in registers, s and b this epilogue's entries of the channel broadcast (only when {@link #inRegisters()}). */
    FloatVector apply(FloatVector acc, FloatVector s, FloatVector b) {
        FloatVector y = acc.fma(s, b);
        if (act == null) return y;
        return switch (act) {
            case SILU -> VectorMath.silu(y);
            case SIGMOID -> VectorMath.sigmoid(y);
            case RELU -> y.max(0f);
            default -> throw new IllegalStateException(act + " is not applied in registers");
        };
    }

    /**
     * dst[q, q+n) = act(src[p, p+n)·scale[channel] + shift[channel]); src may be dst (p = q). SiLU, sigmoid and ReLU
     * are applied in the same registers (one load and one store per vector); other activations run a second pass.
     */
    void apply(float[] src, int p, float[] dst, int q, int n, int channel) {
        float s = scale == null ? 1f : scale[scaleOff + channel], b = shift == null ? 0f : shift[shiftOff + channel];
        FloatVector sv = FloatVector.broadcast(F, s), bv = FloatVector.broadcast(F, b);
        int k = 0, e = F.loopBound(n);
        if (act == UnaryOp.SILU) {
            for (; k < e; k += L) VectorMath.silu(FloatVector.fromArray(F, src, p + k).fma(sv, bv)).intoArray(dst, q + k);
        } else if (act == UnaryOp.SIGMOID) {
            for (; k < e; k += L) VectorMath.sigmoid(FloatVector.fromArray(F, src, p + k).fma(sv, bv)).intoArray(dst, q + k);
        } else if (act == UnaryOp.RELU) {
            for (; k < e; k += L) FloatVector.fromArray(F, src, p + k).fma(sv, bv).max(0f).intoArray(dst, q + k);
        } else if (scale != null || shift != null || src != dst || p != q) {
            for (; k < e; k += L) FloatVector.fromArray(F, src, p + k).fma(sv, bv).intoArray(dst, q + k);
            for (; k < n; k++) dst[q + k] = Math.fma(src[p + k], s, b);
            if (act != null) CpuElementwise.unaryContiguous(act, dst, q, dst, q, n);
            return;
        } else {
            if (act != null) CpuElementwise.unaryContiguous(act, dst, q, dst, q, n);
            return;
        }
        for (; k < n; k++) dst[q + k] = ScalarMath.apply(act, Math.fma(src[p + k], s, b));
    }

    /** The plain twin of {@link #apply} on one value (tests). */
    float applyPlain(double acc, int channel) {
        double y = acc * (scale == null ? 1 : scale[scaleOff + channel]) + (shift == null ? 0 : shift[shiftOff + channel]);
        return act == null ? (float) y : ScalarMath.apply(act, (float) y);
    }
}
