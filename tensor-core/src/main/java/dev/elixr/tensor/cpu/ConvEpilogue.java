package dev.elixr.tensor.cpu;

import dev.elixr.tensor.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * What a convolution does to each output plane before it is stored: y = act(acc·scale[o] + shift[o]), a folded batch
 * norm (scale γ/√(σ²+ε), shift β − μ·scale; Jacob et al. 2018 §3.2) or a bias (scale absent), then an activation
 * (absent: identity). Applied while the plane is still in cache, so one pass over the output does all three. Arrays
 * are read at their offsets; scale, shift and act may each be null. SiLU and the sigmoid are {@link Logistic}'s (half
 * the vector operations of {@link VectorMath}'s, within a few ulp of float64 as well, not the same bits).
 */
public record ConvEpilogue(float[] scale, int scaleOff, float[] shift, int shiftOff, UnaryOp act) {
    public static final ConvEpilogue NONE = new ConvEpilogue(null, 0, null, 0, null);

    /** A plain bias (null: nothing at all). */
    public static ConvEpilogue bias(float[] bias, int biasOff) { return bias == null ? NONE : new ConvEpilogue(null, 0, bias, biasOff, null); }

    boolean isIdentity() { return scale == null && shift == null && act == null; }

    /** True when the activation runs in the same registers as scale and shift (none, SiLU, sigmoid, ReLU). */
    boolean inRegisters() { return act == null || act == UnaryOp.SILU || act == UnaryOp.SIGMOID || act == UnaryOp.RELU; }

    float scaleAt(int channel) { return scale == null ? 1f : scale[scaleOff + channel]; }

    float shiftAt(int channel) { return shift == null ? 0f : shift[shiftOff + channel]; }

    /**
     * dst[q, q+n) = act(src[p, p+n)·scale[channel] + shift[channel]); src may be dst (p = q). With an activation that
     * fits in registers: one load and one store per vector, the remainder as one vector under a mask (7×7 planes have
     * no scalar remainder); other activations run a second pass. One loop per activation, each a small method with a single call
     * of the vector function, so that C2 inlines the whole of it (exp included) and keeps the vectors in registers.
     */
    void apply(float[] src, int p, float[] dst, int q, int n, int channel) {
        float s = scaleAt(channel), b = shiftAt(channel);
        if (act == UnaryOp.SILU) siluRow(src, p, dst, q, n, s, b);
        else if (act == UnaryOp.SIGMOID) sigmoidRow(src, p, dst, q, n, s, b);
        else if (act == UnaryOp.RELU) reluRow(src, p, dst, q, n, s, b);
        else if (scale != null || shift != null || src != dst || p != q) affineRow(src, p, dst, q, n, s, b);
        if (!inRegisters()) CpuElementwise.unaryContiguous(act, dst, q, dst, q, n);
    }

    /** a[q, q+n) = act(a[q, q+n)) in place: the activation alone (scale and shift already applied). */
    void activate(float[] a, int q, int n) {
        if (act == UnaryOp.SILU) siluRow(a, q, a, q, n, 1f, 0f);
        else if (act == UnaryOp.SIGMOID) sigmoidRow(a, q, a, q, n, 1f, 0f);
        else if (act == UnaryOp.RELU) reluRow(a, q, a, q, n, 1f, 0f);
        else if (act != null) CpuElementwise.unaryContiguous(act, a, q, a, q, n);
    }

    private static void siluRow(float[] src, int p, float[] dst, int q, int n, float s, float b) {
        FloatVector sv = FloatVector.broadcast(F, s), bv = FloatVector.broadcast(F, b);
        int k = 0;
        for (int e = F.loopBound(n); k < e; k += L) Logistic.silu(FloatVector.fromArray(F, src, p + k).fma(sv, bv)).intoArray(dst, q + k);
        if (k == n) return;
        VectorMask<Float> m = F.indexInRange(k, n);
        Logistic.silu(FloatVector.fromArray(F, src, p + k, m).fma(sv, bv)).intoArray(dst, q + k, m);
    }

    private static void sigmoidRow(float[] src, int p, float[] dst, int q, int n, float s, float b) {
        FloatVector sv = FloatVector.broadcast(F, s), bv = FloatVector.broadcast(F, b);
        int k = 0;
        for (int e = F.loopBound(n); k < e; k += L) Logistic.sigmoid(FloatVector.fromArray(F, src, p + k).fma(sv, bv)).intoArray(dst, q + k);
        if (k == n) return;
        VectorMask<Float> m = F.indexInRange(k, n);
        Logistic.sigmoid(FloatVector.fromArray(F, src, p + k, m).fma(sv, bv)).intoArray(dst, q + k, m);
    }

    private static void reluRow(float[] src, int p, float[] dst, int q, int n, float s, float b) {
        FloatVector sv = FloatVector.broadcast(F, s), bv = FloatVector.broadcast(F, b);
        int k = 0;
        for (int e = F.loopBound(n); k < e; k += L) FloatVector.fromArray(F, src, p + k).fma(sv, bv).max(0f).intoArray(dst, q + k);
        if (k == n) return;
        VectorMask<Float> m = F.indexInRange(k, n);
        FloatVector.fromArray(F, src, p + k, m).fma(sv, bv).max(0f).intoArray(dst, q + k, m);
    }

    private static void affineRow(float[] src, int p, float[] dst, int q, int n, float s, float b) {
        FloatVector sv = FloatVector.broadcast(F, s), bv = FloatVector.broadcast(F, b);
        int k = 0;
        for (int e = F.loopBound(n); k < e; k += L) FloatVector.fromArray(F, src, p + k).fma(sv, bv).intoArray(dst, q + k);
        if (k == n) return;
        VectorMask<Float> m = F.indexInRange(k, n);
        FloatVector.fromArray(F, src, p + k, m).fma(sv, bv).intoArray(dst, q + k, m);
    }

    /** The plain twin of {@link #apply} on one value (tests). */
    float applyPlain(double acc, int channel) {
        double y = acc * (scale == null ? 1 : scale[scaleOff + channel]) + (shift == null ? 0 : shift[shiftOff + channel]);
        if (act == UnaryOp.SILU) return Logistic.silu((float) y);
        if (act == UnaryOp.SIGMOID) return Logistic.sigmoid((float) y);
        return act == null ? (float) y : ScalarMath.apply(act, (float) y);
    }
}
