package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.elixr.tensor.cpu.Simd.F;

/**
 * The logistic function σ(x) = 1/(1 + e^−x) and SiLU x·σ(x) = x/(1 + e^−x) (Elfwing et al. 2018) on one vector in
 * registers, for the fused convolution epilogue ({@link ConvEpilogue}), where they ran at about 20 cycles a vector
 * built on {@link VectorMath#exp}. Half the operations, the same form of exponential:
 * <ul>
 *   <li>e^−x directly, no |x| and blend: the argument is clamped to [−87, 89] in x, n = round(−x·log₂e) by the
 *       1.5·2²³ rounding constant, r = −x − n·ln2 with ln2 in two parts (Cody and Waite), e^r by Cephes's expf
 *       polynomial (S. L. Moshier) in Horner form. The negation is folded into the constants: r' = x + n·ln2 = −r and
 *       the polynomial's odd coefficients change sign;</li>
 *   <li>2^n in one factor, its exponent field shifted straight out of the rounding sum: the constant carries the
 *       bias 127, so the sum's low mantissa bits hold n + 127, and shifting them left by 23 leaves exactly the float
 *       2^n (n ∈ [−126, 128]; 128 gives the bit pattern of +∞). x = −89 gives n = 128: e^−x = +∞, so SiLU
 *       x/(1 + ∞) = −0 and σ = 0 for every x below about −88.4 (|true value| &lt; 4·10⁻³⁷); at the other end e^−87
 *       already vanishes beside 1, so the clamp at 87 changes nothing. VectorMath's two factors exist for its
 *       subnormal results, which here only ever meet 1 + e;</li>
 *   <li>then one add and one divide: 18 vector operations (with the epilogue's scale-and-shift FMA) against about 33.</li>
 * </ul>
 * NaN stays NaN; SiLU(−∞) = NaN (−∞/∞), as x·σ(x) in PyTorch and in VectorMath. Accuracy (LogisticTest, against
 * float64): within a few ulp, i.e. |error| ≤ 6·10⁻⁷·|y| + 10⁻³⁶. The scalar methods are the plain twins: the same
 * operations in the same order, {@link Math#fma} where the vectors fuse, so they give the same bits.
 */
final class Logistic {
    private Logistic() {}

    /** Clamp of x: below X_LO, e^−x is +∞ (n = 128); above X_HI, e^−x is below 2⁻¹²⁵ and 1 + e^−x rounds to 1. */
    static final float X_LO = -89f, X_HI = 87f;
    static final float NEG_LOG2E = -1.44269504088896341f;
    /** 1.5·2²³ + 127: adding it rounds to an integer held in the low mantissa bits, already biased for an exponent. */
    static final float MAGIC_BIASED = 12582912f + 127f;
    static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** Cephes expf: e^r ≈ 1 + r + E5·r² + E4·r³ + … + E0·r⁷; here taken at −r', so the odd powers change sign. */
    static final float E0 = 1.9875691500E-4f, E1 = 1.3981999507E-3f, E2 = 8.3334519073E-3f, E3 = 4.1665795894E-2f,
            E4 = 1.6666665459E-1f, E5 = 5.0000001201E-1f;

    private static FloatVector c(float v) { return FloatVector.broadcast(F, v); }

    private static final FloatVector V_LO = c(X_LO), V_HI = c(X_HI), V_NEG_LOG2E = c(NEG_LOG2E), V_MAGIC = c(MAGIC_BIASED),
            V_LN2_HI = c(LN2_HI), V_LN2_LO = c(LN2_LO), V_NE0 = c(-E0), V_E1 = c(E1), V_NE2 = c(-E2), V_E3 = c(E3), V_NE4 = c(-E4),
            V_E5 = c(E5), V_NEG_ONE = c(-1f), V_ONE = c(1f);

    /** e^−x on one vector (+∞ below x ≈ −88.4). */
    static FloatVector expNeg(FloatVector x) {
        FloatVector xc = x.max(V_LO).min(V_HI);
        FloatVector t = xc.fma(V_NEG_LOG2E, V_MAGIC);
        FloatVector n = t.sub(V_MAGIC);
        FloatVector r = n.fma(V_LN2_HI, xc);
        r = n.fma(V_LN2_LO, r); // r = xc + n·ln2 = −(−xc − n·ln2)
        FloatVector p = r.fma(V_NE0, V_E1).fma(r, V_NE2).fma(r, V_E3).fma(r, V_NE4).fma(r, V_E5).fma(r, V_NEG_ONE).fma(r, V_ONE);
        FloatVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
    }

    /** SiLU x/(1 + e^−x) on one vector. */
    static FloatVector silu(FloatVector x) { return x.div(expNeg(x).add(V_ONE)); }

    /** σ(x) = 1/(1 + e^−x) on one vector. */
    static FloatVector sigmoid(FloatVector x) { return V_ONE.div(expNeg(x).add(V_ONE)); }

    /** The plain twin of {@link #expNeg(FloatVector)} on one float. */
    static float expNeg(float x) {
        float xc = Math.min(Math.max(x, X_LO), X_HI);
        float t = Math.fma(xc, NEG_LOG2E, MAGIC_BIASED);
        float n = t - MAGIC_BIASED;
        float r = Math.fma(n, LN2_HI, xc);
        r = Math.fma(n, LN2_LO, r);
        float p = Math.fma(r, -E0, E1);
        p = Math.fma(p, r, -E2);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, -E4);
        p = Math.fma(p, r, E5);
        p = Math.fma(p, r, -1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat(Float.floatToRawIntBits(t) << 23);
    }

    /** The plain twin of {@link #silu(FloatVector)}. */
    static float silu(float x) { return x / (expNeg(x) + 1f); }

    /** The plain twin of {@link #sigmoid(FloatVector)}. */
    static float sigmoid(float x) { return 1f / (expNeg(x) + 1f); }
}
