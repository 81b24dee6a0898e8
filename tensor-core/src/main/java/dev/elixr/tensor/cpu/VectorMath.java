package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Float exp, log, tanh, sigmoid and erf that give the same bits in every JIT tier. The Vector API's
 * {@code lanewise(EXP|LOG|TANH|POW)} calls SVML-like stubs once C2 compiles a kernel and {@code Math.exp}
 * per lane before, so results depended on warm-up. These use only add, sub, mul, div, fma, min/max,
 * compares, blends and bit reinterpretation, all exactly specified by IEEE 754 and Java; each vector
 * function has a scalar twin ({@code exp(float)} …) performing the same operations in the same order (with
 * {@link Math#fma} exactly where the vector code fuses), so tails and strided paths give identical bits.
 * Range reduction and polynomials follow Cephes (S. L. Moshier, expf.c, logf.c, tanhf.c); accuracy is
 * measured in VectorMathTest (within 2 ulp of the correctly rounded result on normal outputs).
 */
public final class VectorMath {
    private VectorMath() {}

    // exp: x = n·ln2 + r, |r| ≤ ln2/2, e^x = 2^n · (1 + r + r²·P(r)); 2^n applied as two factors so that
    // subnormal results round once. Inputs clamped to [-104, 89]: below, the result is 0; above, +∞.
    private static final float EXP_LO = -104f, EXP_HI = 89f, LOG2E = 1.44269504088896341f;
    private static final float MAGIC = 12582912f; // 1.5·2²³: adding it rounds to an integer held in the low mantissa bits
    private static final int MAGIC_BITS = 0x4B400000;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float E0 = 1.9875691500E-4f, E1 = 1.3981999507E-3f, E2 = 8.3334519073E-3f, E3 = 4.1665795894E-2f,
            E4 = 1.6666665459E-1f, E5 = 5.0000001201E-1f;

    /** e^x on every lane. */
    public static FloatVector exp(FloatVector x) {
        x = x.max(EXP_LO).min(EXP_HI);
        FloatVector t = x.fma(LOG2E, MAGIC);
        FloatVector n = t.sub(MAGIC);
        FloatVector r = n.fma(x.broadcast(-LN2_HI), x);
        r = n.fma(x.broadcast(-LN2_LO), r);
        FloatVector z = r.mul(r);
        FloatVector y = r.fma(E0, E1).fma(r, x.broadcast(E2)).fma(r, x.broadcast(E3)).fma(r, x.broadcast(E4))
                .fma(r, x.broadcast(E5));
        y = y.fma(z, r).add(1f);
        IntVector ni = t.reinterpretAsInts().sub(MAGIC_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1), n2 = ni.sub(n1);
        return y.mul(pow2(n1)).mul(pow2(n2));
    }

    /** e^x, the scalar twin of {@link #exp(FloatVector)}. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float t = Math.fma(x, LOG2E, MAGIC);
        float n = t - MAGIC;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float z = r * r;
        float y = Math.fma(r, E0, E1);
        y = Math.fma(y, r, E2);
        y = Math.fma(y, r, E3);
        y = Math.fma(y, r, E4);
        y = Math.fma(y, r, E5);
        y = Math.fma(y, z, r) + 1f;
        int ni = Float.floatToRawIntBits(t) - MAGIC_BITS;
        int n1 = ni >> 1, n2 = ni - n1;
        return y * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    private static FloatVector pow2(IntVector n) {
        return n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    // log: x = m·2^e with m in [√½, √2); log x = e·ln2 + log m, log(1+f) = f − f²/2 + f³·P(f); ln2 split in two.
    private static final float SQRT_HALF = 0.707106781186547524f, TWO23 = 8388608f, MIN_NORMAL = 0x1p-126f;
    private static final float L0 = 7.0376836292E-2f, L1 = -1.1514610310E-1f, L2 = 1.1676998740E-1f, L3 = -1.2420140846E-1f,
            L4 = 1.4249322787E-1f, L5 = -1.6668057665E-1f, L6 = 2.0000714765E-1f, L7 = -2.4999993993E-1f, L8 = 3.3333331174E-1f;

    /** Natural logarithm on every lane (−∞ at ±0, NaN below 0; NaN and +∞ unchanged). */
    public static FloatVector log(FloatVector x) {
        VectorMask<Float> sub = x.lt(MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(TWO23), sub);
        IntVector bits = xs.reinterpretAsInts();
        FloatVector fe = toFloat(bits.lanewise(VectorOperators.LSHR, 23).sub(126));
        fe = fe.sub(x.broadcast(0f).blend(23f, sub));
        FloatVector m = bits.and(0x007FFFFF).or(0x3F000000).reinterpretAsFloats(); // [0.5, 1)
        VectorMask<Float> low = m.lt(SQRT_HALF);
        fe = fe.sub(x.broadcast(0f).blend(1f, low));
        m = m.blend(m.add(m), low).sub(1f);
        FloatVector z = m.mul(m);
        FloatVector y = m.fma(L0, L1).fma(m, x.broadcast(L2)).fma(m, x.broadcast(L3)).fma(m, x.broadcast(L4))
                .fma(m, x.broadcast(L5)).fma(m, x.broadcast(L6)).fma(m, x.broadcast(L7)).fma(m, x.broadcast(L8));
        y = y.mul(m).mul(z);
        y = fe.fma(x.broadcast(LN2_LO), y);
        y = z.fma(x.broadcast(-0.5f), y);
        FloatVector r = fe.fma(x.broadcast(LN2_HI), m.add(y));
        r = r.blend(Float.POSITIVE_INFINITY, x.eq(Float.POSITIVE_INFINITY));
        r = r.blend(Float.NEGATIVE_INFINITY, x.eq(0f));
        r = r.blend(Float.NaN, x.lt(0f));
        return r.blend(x, x.compare(VectorOperators.NE, x));
    }

    /** Natural logarithm, the scalar twin of {@link #log(FloatVector)}. */
    public static float log(float x) {
        if (x != x) return x;
        if (x < 0f) return Float.NaN;
        if (x == 0f) return Float.NEGATIVE_INFINITY;
        if (x == Float.POSITIVE_INFINITY) return x;
        boolean sub = x < MIN_NORMAL;
        float xs = sub ? x * TWO23 : x;
        int bits = Float.floatToRawIntBits(xs);
        float fe = toFloat((bits >>> 23) - 126);
        fe = fe - (sub ? 23f : 0f);
        float m = Float.intBitsToFloat(bits & 0x007FFFFF | 0x3F000000);
        boolean low = m < SQRT_HALF;
        fe = fe - (low ? 1f : 0f);
        m = (low ? m + m : m) - 1f;
        float z = m * m;
        float y = Math.fma(m, L0, L1);
        y = Math.fma(y, m, L2);
        y = Math.fma(y, m, L3);
        y = Math.fma(y, m, L4);
        y = Math.fma(y, m, L5);
        y = Math.fma(y, m, L6);
        y = Math.fma(y, m, L7);
        y = Math.fma(y, m, L8);
        y = y * m * z;
        y = Math.fma(fe, LN2_LO, y);
        y = Math.fma(z, -0.5f, y);
        return Math.fma(fe, LN2_HI, m + y);
    }

    /** Exact int to float for |i| < 2²²: the integer placed in the mantissa of 1.5·2²³, which is then subtracted. */
    private static FloatVector toFloat(IntVector i) { return i.add(MAGIC_BITS).reinterpretAsFloats().sub(MAGIC); }

    private static float toFloat(int i) { return Float.intBitsToFloat(i + MAGIC_BITS) - MAGIC; }

    // tanh: |x| < 0.625: x + x³·P(x²); else 1 − 2/(e^{2|x|} + 1); the sign copied from x at the end.
    private static final float TANH_SMALL = 0.625f;
    private static final float T0 = -5.70498872745E-3f, T1 = 2.06390887954E-2f, T2 = -5.37397155531E-2f, T3 = 1.33314422036E-1f,
            T4 = -3.33332819422E-1f;

    /** Hyperbolic tangent on every lane. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = a.mul(a);
        FloatVector p = z.fma(T0, T1).fma(z, x.broadcast(T2)).fma(z, x.broadcast(T3)).fma(z, x.broadcast(T4));
        FloatVector small = p.mul(z).fma(a, a);
        FloatVector large = x.broadcast(1f).sub(x.broadcast(2f).div(exp(a.add(a)).add(1f)));
        return copySign(large.blend(small, a.lt(TANH_SMALL)), x);
    }

    /** Hyperbolic tangent, the scalar twin of {@link #tanh(FloatVector)}. */
    public static float tanh(float x) {
        float a = Math.abs(x);
        float r;
        if (a < TANH_SMALL) {
            float z = a * a;
            float p = Math.fma(z, T0, T1);
            p = Math.fma(p, z, T2);
            p = Math.fma(p, z, T3);
            p = Math.fma(p, z, T4);
            r = Math.fma(p * z, a, a);
        } else {
            r = 1f - 2f / (exp(a + a) + 1f);
        }
        return copySign(r, x);
    }

    /** 1 / (1 + e^−x) on every lane. */
    public static FloatVector sigmoid(FloatVector x) { return timesSigmoid(x.broadcast(1f), x); }

    /** The scalar twin of {@link #sigmoid(FloatVector)}. */
    public static float sigmoid(float x) { return timesSigmoid(1f, x); }

    /** x·sigmoid(x) (SiLU, Elfwing et al. 2018) on every lane. */
    public static FloatVector silu(FloatVector x) { return timesSigmoid(x, x); }

    /** The scalar twin of {@link #silu(FloatVector)}. */
    public static float silu(float x) { return timesSigmoid(x, x); }

    /** x·sigmoid(v) = x/(1 + e^−v), or x·e^v/(1 + e^v) for v &lt; 0, so that e^|v| never overflows. */
    private static FloatVector timesSigmoid(FloatVector x, FloatVector v) {
        FloatVector e = exp(v.abs().neg());
        return x.blend(x.mul(e), v.lt(0f)).div(e.add(1f));
    }

    private static float timesSigmoid(float x, float v) {
        float e = exp(-Math.abs(v));
        return (v < 0f ? x * e : x) / (e + 1f);
    }

    // GELU, tanh form (Hendrycks and Gimpel 2016, sec. 2): ½x(1 + tanh u) = x·sigmoid(2u), u = √(2/π)(x + 0.044715x³);
    // the sigmoid form has no cancellation for negative x.
    static final float SQRT_2_OVER_PI = 0.7978845608028654f, GELU_C = 0.044715f, INV_SQRT2 = 0.7071067811865476f;

    /** GELU (tanh approximation) on every lane. */
    public static FloatVector geluTanh(FloatVector x) {
        return timesSigmoid(x, x.mul(x).fma(GELU_C, 1f).mul(x).mul(2f * SQRT_2_OVER_PI));
    }

    /** The scalar twin of {@link #geluTanh(FloatVector)}. */
    public static float geluTanh(float x) {
        return timesSigmoid(x, Math.fma(x * x, GELU_C, 1f) * x * (2f * SQRT_2_OVER_PI));
    }

    /** GELU, exact form ½x(1 + erf(x/√2)), on every lane. */
    public static FloatVector geluErf(FloatVector x) { return x.mul(0.5f).mul(erf(x.mul(INV_SQRT2)).add(1f)); }

    /** The scalar twin of {@link #geluErf(FloatVector)}. */
    public static float geluErf(float x) { return x * 0.5f * (erf(x * INV_SQRT2) + 1f); }

    // erf: |x| < 1: x·T(x²) (Cephes erff.c); above: Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7).
    private static final float R0 = 7.853861353153693E-5f, R1 = -8.010193625184903E-4f, R2 = 5.188327685732524E-3f,
            R3 = -2.685381193529856E-2f, R4 = 1.128358514861418E-1f, R5 = -3.761262582423300E-1f, R6 = 1.128379165726710f;
    private static final float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f,
            A5 = 1.061405429f;

    /** The error function on every lane. */
    public static FloatVector erf(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = a.mul(a);
        FloatVector small = z.fma(R0, R1).fma(z, x.broadcast(R2)).fma(z, x.broadcast(R3)).fma(z, x.broadcast(R4))
                .fma(z, x.broadcast(R5)).fma(z, x.broadcast(R6)).mul(a);
        FloatVector t = x.broadcast(1f).div(a.mul(P).add(1f));
        FloatVector poly = t.mul(A5).add(A4).mul(t).add(A3).mul(t).add(A2).mul(t).add(A1).mul(t);
        FloatVector large = x.broadcast(1f).sub(poly.mul(exp(z.neg())));
        return copySign(large.blend(small, a.lt(1f)), x);
    }

    /** The scalar twin of {@link #erf(FloatVector)}. */
    public static float erf(float x) {
        float a = Math.abs(x);
        float z = a * a;
        float y;
        if (a < 1f) {
            y = Math.fma(z, R0, R1);
            y = Math.fma(y, z, R2);
            y = Math.fma(y, z, R3);
            y = Math.fma(y, z, R4);
            y = Math.fma(y, z, R5);
            y = Math.fma(y, z, R6) * a;
        } else {
            float t = 1f / (a * P + 1f);
            float poly = ((((t * A5 + A4) * t + A3) * t + A2) * t + A1) * t;
            y = 1f - poly * exp(-z);
        }
        return copySign(y, x);
    }

    /** |m| with the sign bit of s (bitwise, so also for ±0 and NaN). */
    private static FloatVector copySign(FloatVector m, FloatVector s) {
        return m.reinterpretAsInts().and(0x7FFFFFFF).or(s.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
    }

    private static float copySign(float m, float s) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(m) & 0x7FFFFFFF | Float.floatToRawIntBits(s) & 0x80000000);
    }
}
