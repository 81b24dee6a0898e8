package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.elixr.tensor.cpu.Simd.F;
import static dev.elixr.tensor.cpu.Simd.L;

/**
 * Float exp, log, tanh, sigmoid, SiLU, GELU and erf over array runs, and the derivatives of SiLU and GELU
 * (backward passes), giving the same bits in every JIT tier.
 * The Vector API's {@code lanewise(EXP|LOG|TANH|POW)} calls SVML-like stubs once C2 compiles a kernel and
 * {@code Math.exp} per lane before, so results depended on warm-up. These use only add, sub, mul, div, fma,
 * min/max, compares, blends and bit reinterpretation, all exactly specified by IEEE 754 and Java. Each row
 * function has a scalar twin ({@code exp(float)} …) doing the same operations in the same order (with
 * {@link Math#fma} exactly where the vector code fuses), used for tails and strided paths: identical bits. (The row
 * loops' exponent-field 2^n for normal results, {@link #EXP_NORMAL_LO}, reaches the same bits by another route.)
 * Range reduction and polynomials follow Cephes (S. L. Moshier: expf.c, logf.c, tanhf.c, erff.c); accuracy is
 * measured in VectorMathTest.
 *
 * <p>Shape of the code: every vector loop has its whole body written out, with no call to another vector
 * function of ours. C2 only keeps vectors in registers when the body is inlined into the loop, and it refuses
 * to inline a callee that was already compiled on its own (a race with warm-up) or that pushes the graph
 * past its node limit; a refused call boxes every vector (about 25 times slower, measured). Functions built
 * on exp therefore run in passes over chunks of {@link #CHUNK} floats: arguments into the output, the exp
 * loop in place, then the finishing loop, which recomputes what it needs from the input. Every row function
 * takes an output run that either does not overlap the input run or is the same run (in place).
 */
public final class VectorMath {
    private VectorMath() {}

    /** Floats staged per pass (8 KiB of output: stays in L1). */
    static final int CHUNK = 2048;

    // Constant vectors: a static final vector costs C2 one load, where a scalar operand adds a broadcast.
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);

    private static FloatVector c(float v) { return FloatVector.broadcast(F, v); }

    private static IntVector ci(int v) { return IntVector.broadcast(I, v); }

    private static final FloatVector V_ZERO = c(0f), V_ONE = c(1f), V_TWO = c(2f), V_HALF = c(0.5f);
    private static final IntVector V_MAGNITUDE = ci(0x7FFFFFFF), V_SIGN = ci(0x80000000);

    // ---------------------------------------------------------------------------------------------------- exp
    // x = n·ln2 + r, |r| ≤ ln2/2, e^x = 2^n · (1 + r + r²·P(r)); 2^n applied as two factors so that subnormal
    // results round once. Inputs clamped to [-104, 89]: below, the result is 0; above, +∞. NaN stays NaN.
    private static final float EXP_LO = -104f, EXP_HI = 89f, LOG2E = 1.44269504088896341f;
    private static final float MAGIC = 12582912f; // 1.5·2²³: adding it rounds to an integer held in the low mantissa bits
    private static final int MAGIC_BITS = 0x4B400000;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float E0 = 1.9875691500E-4f, E1 = 1.3981999507E-3f, E2 = 8.3334519073E-3f, E3 = 4.1665795894E-2f,
            E4 = 1.6666665459E-1f, E5 = 5.0000001201E-1f;
    private static final FloatVector V_EXP_LO = c(EXP_LO), V_EXP_HI = c(EXP_HI), V_LOG2E = c(LOG2E), V_MAGIC = c(MAGIC),
            V_NLN2_HI = c(-LN2_HI), V_NLN2_LO = c(-LN2_LO), V_E0 = c(E0), V_E1 = c(E1), V_E2 = c(E2), V_E3 = c(E3), V_E4 = c(E4),
            V_E5 = c(E5);
    private static final IntVector V_MAGIC_BITS = ci(MAGIC_BITS), V_BIAS = ci(127);
    private static final IntVector V_EXP_LO_BITS = ci(Float.floatToRawIntBits(EXP_LO)), V_EXP_HI_BITS = ci(Float.floatToRawIntBits(EXP_HI));
    /**
     * Above this (and at most 0) e^x is a normal float: n = round(x·log2 e) ≥ −125, and y·2^n with y in [√½, √2] keeps a
     * biased exponent ≥ 1. There adding n to y's exponent field is y·2^n exactly, the same bits as the two factors of
     * {@link #exp(FloatVector)} (each product exact when the result is normal); below it the two factors round a
     * subnormal result once.
     */
    static final float EXP_NORMAL_LO = -86.5f;

    /**
     * Below this e^x is +0 in every form here (the largest x whose {@link #exp(float)} is 0 is −103.97208, VectorMathTest
     * pins it), and the vector forms set y to +0 there before the two factors: 0·2^a·2^b is +0 with no underflow, where
     * y·2^a·2^b rounding to 0 underflows, and an underflowing product costs an Intel core a microcode assist for the
     * whole vector (≈ 150 cycles measured). Masked scores (−1e9, −1e30: every pair with a masked lane takes the whole
     * sequence) met it on every such vector: {@code ExpRowsBenchmark}'s rows with one argument in eight masked took
     * 10–16× the time of the same rows without before this (AVX-512 Xeon, session 32), 1.3–1.9× after.
     */
    static final float EXP_ZERO_BELOW = -103.98f;

    /** o[q, q+n) = e^x[p, p+n) (o may be x at the same position). */
    public static void exp(float[] x, int p, float[] o, int q, int n) {
        int b = F.loopBound(n);
        expVectors(x, p, o, q, b);
        for (int k = b; k < n; k++) o[q + k] = exp(x[p + k]);
    }

    /**
     * Where the staged passes keep exp's arguments: in the output itself, or in a scratch chunk when the output
     * is the input (in place), whose values the finishing pass still reads.
     */
    private static float[] stage(float[] in, float[] o, int b) { return in == o ? new float[Math.min(CHUNK, b)] : o; }

    /**
     * o[q, q+n) = e^(x[p, p+n) − shift) (cross-entropy's gradient, log-softmax's backward; o may be x at the same
     * position), each exponential the bits of {@link #exp(FloatVector)} on x − shift. Two vectors an iteration as in
     * {@link #expShiftedSum}: a pair with every argument in [{@link #EXP_NORMAL_LO}, 0] (the callers' usual case: shift
     * at least the run's maximum) skips the clamps and adds n to the exponent field; a pair with any other argument (NaN
     * included) takes exp(FloatVector)'s whole sequence.
     */
    public static void expShifted(float[] x, int p, float shift, float[] o, int q, int n) {
        FloatVector s = FloatVector.broadcast(F, shift);
        int b = F.loopBound(n);
        for (int k = 0; k < b; k += 2 * L) {
            int k1 = Math.min(k + L, b - L); // k itself when one vector is left: the pair repeats it
            FloatVector x0 = FloatVector.fromArray(F, x, p + k).sub(s), x1 = FloatVector.fromArray(F, x, p + k1).sub(s);
            boolean normal = x0.compare(VectorOperators.GE, EXP_NORMAL_LO).and(x0.compare(VectorOperators.LE, V_ZERO))
                    .and(x1.compare(VectorOperators.GE, EXP_NORMAL_LO)).and(x1.compare(VectorOperators.LE, V_ZERO)).allTrue();
            if (!normal) { // exp(FloatVector)'s clamp (NaN stays NaN)
                x0 = x0.max(V_EXP_LO).min(V_EXP_HI);
                x1 = x1.max(V_EXP_LO).min(V_EXP_HI);
            }
            FloatVector t0 = x0.fma(V_LOG2E, V_MAGIC), t1 = x1.fma(V_LOG2E, V_MAGIC);
            FloatVector n0 = t0.sub(V_MAGIC), n1 = t1.sub(V_MAGIC);
            FloatVector r0 = n0.fma(V_NLN2_LO, n0.fma(V_NLN2_HI, x0)), r1 = n1.fma(V_NLN2_LO, n1.fma(V_NLN2_HI, x1));
            FloatVector y0 = r0.fma(V_E0, V_E1).fma(r0, V_E2).fma(r0, V_E3).fma(r0, V_E4).fma(r0, V_E5);
            FloatVector y1 = r1.fma(V_E0, V_E1).fma(r1, V_E2).fma(r1, V_E3).fma(r1, V_E4).fma(r1, V_E5);
            y0 = y0.fma(r0.mul(r0), r0).add(V_ONE);
            y1 = y1.fma(r1.mul(r1), r1).add(V_ONE);
            IntVector m0 = t0.reinterpretAsInts().sub(V_MAGIC_BITS), m1 = t1.reinterpretAsInts().sub(V_MAGIC_BITS);
            FloatVector e0, e1;
            if (normal) {
                e0 = y0.reinterpretAsInts().add(m0.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
                e1 = y1.reinterpretAsInts().add(m1.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
            } else {
                y0 = y0.blend(V_ZERO, x0.compare(VectorOperators.LT, EXP_ZERO_BELOW)); // +0 without an underflowing product
                y1 = y1.blend(V_ZERO, x1.compare(VectorOperators.LT, EXP_ZERO_BELOW));
                IntVector h0 = m0.lanewise(VectorOperators.ASHR, 1), h1 = m1.lanewise(VectorOperators.ASHR, 1);
                e0 = y0.mul(h0.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                        .mul(m0.sub(h0).add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                e1 = y1.mul(h1.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                        .mul(m1.sub(h1).add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            }
            e0.intoArray(o, q + k);
            e1.intoArray(o, q + k1);
        }
        if (b < n) { // the last n − b < L as one masked vector: each lane the bits of exp(float) on it, as the vector loop's
            VectorMask<Float> m = F.indexInRange(b, n);
            exp(FloatVector.fromArray(F, x, p + b, m).sub(s)).intoArray(o, q + b, m);
        }
    }

    /**
     * Σ e^(x[p, p+n) − shift), and, when store, o[q, q+n) = those exponentials (o may be x at the same position): one
     * pass where {@link #expShifted} and a sum over its output take two, with the same bits as that pair (each
     * exponential as {@link #exp(FloatVector)}; the whole vectors added in order into one vector accumulator, the lanes
     * by {@link Simd#sumLanes}, then the tail in order, as {@code CpuReduce.contiguousRow(SUM)} adds a run).
     *
     * <p>For shift the run's maximum as {@link Math#max} finds it (softmax, attention): then no x − shift is NaN (a NaN
     * in the run makes the maximum NaN), and a shift that is not finite takes a scalar loop. With such a shift every
     * x − shift is in [−∞, 0], and the clamps and 2^n as two factors matter only below {@link #EXP_NORMAL_LO} (a
     * subnormal or zero result): a pair of vectors with every argument in [EXP_NORMAL_LO, 0] (two compares each) skips
     * the clamps and adds n to the exponent field (the same bits); a pair with one outside (below, or above 0 where a
     * caller's shift is not the maximum) takes the whole sequence, the clamp to [EXP_LO, EXP_HI] as two integer minima
     * on the bits (signed: positives above EXP_HI; unsigned: negatives below EXP_LO; ±0 and everything between
     * unchanged), equal to Math's max and min there and a few times cheaper than the vector max and min, whose NaN and
     * signed-zero rules cost a compare-and-blend sequence each. Two vectors per
     * iteration, their operations interleaved: two independent exponential chains for the out-of-order core (C2
     * unrolls no further a loop this long); more in one body leaves C2 over its inlining budget (vectors boxed).
     * The accumulator starts from {@code FloatVector.zero}: a static final vector as a loop phi's start is boxed.
     * An odd last vector runs as the loop's last iteration with its second vector a repeat of the first that adds +0
     * (the same bits as adding it alone): a separate step for it called {@link #exp(FloatVector)}, which C2 did not
     * inline there, and ran its vector operations as the API's Java fallback (rows of 121 keys 12% slower).
     */
    public static float expShiftedSum(float[] x, int p, float shift, float[] o, int q, int n, boolean store) {
        if (!Float.isFinite(shift)) {
            float sum = 0f;
            for (int k = 0; k < n; k++) {
                float e = exp(x[p + k] - shift);
                if (store) o[q + k] = e;
                sum += e;
            }
            return sum;
        }
        FloatVector s = FloatVector.broadcast(F, shift), acc = FloatVector.zero(F);
        int vb = F.loopBound(n), k = 0;
        for (; k < vb; k += 2 * L) { // the body of exp(FloatVector) on two vectors, clamped as above
            int k1 = Math.min(k + L, vb - L); // k itself when one vector is left: e1 then repeats e0 and adds nothing
            FloatVector x0 = FloatVector.fromArray(F, x, p + k).sub(s), x1 = FloatVector.fromArray(F, x, p + k1).sub(s);
            boolean deep = x0.compare(VectorOperators.LT, EXP_NORMAL_LO).or(x1.compare(VectorOperators.LT, EXP_NORMAL_LO))
                    .or(x0.compare(VectorOperators.GT, V_ZERO)).or(x1.compare(VectorOperators.GT, V_ZERO)).anyTrue();
            if (deep) { // both clamps, as integer minima on the bits
                x0 = x0.reinterpretAsInts().min(V_EXP_HI_BITS).lanewise(VectorOperators.UMIN, V_EXP_LO_BITS).reinterpretAsFloats();
                x1 = x1.reinterpretAsInts().min(V_EXP_HI_BITS).lanewise(VectorOperators.UMIN, V_EXP_LO_BITS).reinterpretAsFloats();
            }
            FloatVector t0 = x0.fma(V_LOG2E, V_MAGIC), t1 = x1.fma(V_LOG2E, V_MAGIC);
            FloatVector n0 = t0.sub(V_MAGIC), n1 = t1.sub(V_MAGIC);
            FloatVector r0 = n0.fma(V_NLN2_LO, n0.fma(V_NLN2_HI, x0)), r1 = n1.fma(V_NLN2_LO, n1.fma(V_NLN2_HI, x1));
            FloatVector y0 = r0.fma(V_E0, V_E1).fma(r0, V_E2).fma(r0, V_E3).fma(r0, V_E4).fma(r0, V_E5);
            FloatVector y1 = r1.fma(V_E0, V_E1).fma(r1, V_E2).fma(r1, V_E3).fma(r1, V_E4).fma(r1, V_E5);
            y0 = y0.fma(r0.mul(r0), r0).add(V_ONE);
            y1 = y1.fma(r1.mul(r1), r1).add(V_ONE);
            IntVector m0 = t0.reinterpretAsInts().sub(V_MAGIC_BITS), m1 = t1.reinterpretAsInts().sub(V_MAGIC_BITS);
            FloatVector e0, e1;
            if (deep) { // 2^n as two factors, as exp(FloatVector)
                y0 = y0.blend(V_ZERO, x0.compare(VectorOperators.LT, EXP_ZERO_BELOW)); // +0 without an underflowing product
                y1 = y1.blend(V_ZERO, x1.compare(VectorOperators.LT, EXP_ZERO_BELOW));
                IntVector h0 = m0.lanewise(VectorOperators.ASHR, 1), h1 = m1.lanewise(VectorOperators.ASHR, 1);
                e0 = y0.mul(h0.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                        .mul(m0.sub(h0).add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                e1 = y1.mul(h1.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                        .mul(m1.sub(h1).add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            } else { // normal results: 2^n added to y's exponent field, the same bits
                e0 = y0.reinterpretAsInts().add(m0.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
                e1 = y1.reinterpretAsInts().add(m1.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
            }
            if (store) {
                e0.intoArray(o, q + k);
                e1.intoArray(o, q + k1);
            }
            acc = acc.add(e0).add(e1.reinterpretAsInts().and(k1 > k ? -1 : 0).reinterpretAsFloats()); // a repeat adds +0: no bit changes
        }
        return expTail(x, p, vb, n, shift, o, q, store, Simd.sumLanes(acc));
    }

    /** The xor of the floats {@link #expShiftedSumTouchingAhead} touched last: a plain field, so that the loads are kept. */
    static int touched;

    /**
     * {@link #expShiftedSum} over x[p, p+n) with the same bits, reading one float of the next run x[pNext, pNext+n) per
     * iteration of two vectors (on 256-bit vectors, where it is used, one per 64-byte cache line) in the same loop: the softmax row after this one comes in from memory while this
     * row's exponentials are computed (these loads start the stream, the hardware prefetcher carries it), where the next
     * row's max pass would otherwise wait for it. Cheaper than {@link #expShiftedSumAndNextMax}'s two extra vector loads
     * and maxima an iteration, which spill on 16 vector registers (AVX2: softmax [4096,4096] from memory 0.92–1.02×
     * with them; 1.05–1.25× with these touches, Zen 3, one and two threads: {@code CpuSoftmax#READ_AHEAD}). The loop is
     * expShiftedSum's, repeated: a call into one shared two-vector step was not inlined by C2 and boxed its vectors
     * (1.5× slower); the touches inside expShiftedSum itself cost its in-cache callers (attention) 5–8%. Its caller's
     * shift is the run's maximum ({@code CpuSoftmax.max}), so each pair of vectors checks only the lower bound
     * {@link #EXP_NORMAL_LO} (one compare a vector, where expShiftedSum checks both sides).
     */
    static float expShiftedSumTouchingAhead(float[] x, int p, float shift, float[] o, int q, int n, boolean store, int pNext) {
        if (!Float.isFinite(shift)) return expShiftedSum(x, p, shift, o, q, n, store); // its scalar loop
        FloatVector s = FloatVector.broadcast(F, shift), acc = FloatVector.zero(F);
        int b2 = n - n % (2 * L), k = 0, seen = 0;
        for (; k < b2; k += 2 * L) { // expShiftedSum's body, and one float of the next run's cache line at k
            FloatVector x0 = FloatVector.fromArray(F, x, p + k).sub(s), x1 = FloatVector.fromArray(F, x, p + k + L).sub(s);
            boolean deep = x0.compare(VectorOperators.LT, EXP_NORMAL_LO).or(x1.compare(VectorOperators.LT, EXP_NORMAL_LO)).anyTrue();
            if (deep) { // x − shift ≤ 0 (shift the maximum): only the lower clamp can act
                x0 = x0.reinterpretAsInts().lanewise(VectorOperators.UMIN, V_EXP_LO_BITS).reinterpretAsFloats();
                x1 = x1.reinterpretAsInts().lanewise(VectorOperators.UMIN, V_EXP_LO_BITS).reinterpretAsFloats();
            }
            FloatVector t0 = x0.fma(V_LOG2E, V_MAGIC), t1 = x1.fma(V_LOG2E, V_MAGIC);
            FloatVector n0 = t0.sub(V_MAGIC), n1 = t1.sub(V_MAGIC);
            FloatVector r0 = n0.fma(V_NLN2_LO, n0.fma(V_NLN2_HI, x0)), r1 = n1.fma(V_NLN2_LO, n1.fma(V_NLN2_HI, x1));
            FloatVector y0 = r0.fma(V_E0, V_E1).fma(r0, V_E2).fma(r0, V_E3).fma(r0, V_E4).fma(r0, V_E5);
            FloatVector y1 = r1.fma(V_E0, V_E1).fma(r1, V_E2).fma(r1, V_E3).fma(r1, V_E4).fma(r1, V_E5);
            y0 = y0.fma(r0.mul(r0), r0).add(V_ONE);
            y1 = y1.fma(r1.mul(r1), r1).add(V_ONE);
            IntVector m0 = t0.reinterpretAsInts().sub(V_MAGIC_BITS), m1 = t1.reinterpretAsInts().sub(V_MAGIC_BITS);
            FloatVector e0, e1;
            if (deep) { // 2^n as two factors, as exp(FloatVector)
                y0 = y0.blend(V_ZERO, x0.compare(VectorOperators.LT, EXP_ZERO_BELOW)); // +0 without an underflowing product
                y1 = y1.blend(V_ZERO, x1.compare(VectorOperators.LT, EXP_ZERO_BELOW));
                IntVector h0 = m0.lanewise(VectorOperators.ASHR, 1), h1 = m1.lanewise(VectorOperators.ASHR, 1);
                e0 = y0.mul(h0.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                        .mul(m0.sub(h0).add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                e1 = y1.mul(h1.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                        .mul(m1.sub(h1).add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            } else { // normal results: 2^n added to y's exponent field, the same bits
                e0 = y0.reinterpretAsInts().add(m0.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
                e1 = y1.reinterpretAsInts().add(m1.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
            }
            if (store) {
                e0.intoArray(o, q + k);
                e1.intoArray(o, q + k + L);
            }
            acc = acc.add(e0).add(e1);
            seen ^= Float.floatToRawIntBits(x[pNext + k]);
        }
        touched = seen;
        if (k < F.loopBound(n)) { // one vector left
            FloatVector e = exp(FloatVector.fromArray(F, x, p + k).sub(s));
            if (store) e.intoArray(o, q + k);
            acc = acc.add(e);
            k += L;
        }
        return expTail(x, p, k, n, s, o, q, store, Simd.sumLanes(acc));
    }

    /**
     * {@link #expShiftedSum} over x[p, p+n) with the same bits, and, in the same loop, the maximum of the next run
     * x[pNext, pNext+n) into {@code nextMax[0]} (equal to {@code CpuSoftmax.max} on it: max is exact, so its order changes
     * no bit). Softmax's rows are read from memory by their max pass; reading the next row's max while this row's
     * exponentials are computed puts that row's memory traffic under this row's arithmetic (the out-of-order core and the
     * prefetchers see a steady load stream) instead of after it. The loop is expShiftedSum's with two loads and two
     * maxima of the next run per iteration; the runs' remainders past the two-vector loop as expShiftedSum and
     * {@code CpuSoftmax.max} do them. As in {@link #expShiftedSumTouchingAhead}, shift is the run's maximum and only the
     * lower bound is checked.
     */
    static float expShiftedSumAndNextMax(float[] x, int p, float shift, float[] o, int q, int n, boolean store, int pNext, float[] nextMax) {
        int b2 = n - n % (2 * L);
        if (!Float.isFinite(shift) || b2 == 0) {
            nextMax[0] = CpuSoftmax.max(x, pNext, n);
            return expShiftedSum(x, p, shift, o, q, n, store);
        }
        FloatVector s = FloatVector.broadcast(F, shift), acc = FloatVector.zero(F);
        FloatVector mx0 = FloatVector.fromArray(F, x, pNext), mx1 = FloatVector.fromArray(F, x, pNext + L);
        int k = 0;
        for (; k < b2; k += 2 * L) { // expShiftedSum's body, and the next run's two vectors at k into two max chains
            FloatVector x0 = FloatVector.fromArray(F, x, p + k).sub(s), x1 = FloatVector.fromArray(F, x, p + k + L).sub(s);
            mx0 = mx0.max(FloatVector.fromArray(F, x, pNext + k));
            mx1 = mx1.max(FloatVector.fromArray(F, x, pNext + k + L));
            boolean deep = x0.compare(VectorOperators.LT, EXP_NORMAL_LO).or(x1.compare(VectorOperators.LT, EXP_NORMAL_LO)).anyTrue();
            if (deep) { // x − shift ≤ 0 (shift the maximum): only the lower clamp can act
                x0 = x0.reinterpretAsInts().lanewise(VectorOperators.UMIN, V_EXP_LO_BITS).reinterpretAsFloats();
                x1 = x1.reinterpretAsInts().lanewise(VectorOperators.UMIN, V_EXP_LO_BITS).reinterpretAsFloats();
            }
            FloatVector t0 = x0.fma(V_LOG2E, V_MAGIC), t1 = x1.fma(V_LOG2E, V_MAGIC);
            FloatVector n0 = t0.sub(V_MAGIC), n1 = t1.sub(V_MAGIC);
            FloatVector r0 = n0.fma(V_NLN2_LO, n0.fma(V_NLN2_HI, x0)), r1 = n1.fma(V_NLN2_LO, n1.fma(V_NLN2_HI, x1));
            FloatVector y0 = r0.fma(V_E0, V_E1).fma(r0, V_E2).fma(r0, V_E3).fma(r0, V_E4).fma(r0, V_E5);
            FloatVector y1 = r1.fma(V_E0, V_E1).fma(r1, V_E2).fma(r1, V_E3).fma(r1, V_E4).fma(r1, V_E5);
            y0 = y0.fma(r0.mul(r0), r0).add(V_ONE);
            y1 = y1.fma(r1.mul(r1), r1).add(V_ONE);
            IntVector m0 = t0.reinterpretAsInts().sub(V_MAGIC_BITS), m1 = t1.reinterpretAsInts().sub(V_MAGIC_BITS);
            FloatVector e0, e1;
            if (deep) { // 2^n as two factors, as exp(FloatVector)
                y0 = y0.blend(V_ZERO, x0.compare(VectorOperators.LT, EXP_ZERO_BELOW)); // +0 without an underflowing product
                y1 = y1.blend(V_ZERO, x1.compare(VectorOperators.LT, EXP_ZERO_BELOW));
                IntVector h0 = m0.lanewise(VectorOperators.ASHR, 1), h1 = m1.lanewise(VectorOperators.ASHR, 1);
                e0 = y0.mul(h0.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                        .mul(m0.sub(h0).add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                e1 = y1.mul(h1.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                        .mul(m1.sub(h1).add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            } else { // normal results: 2^n added to y's exponent field, the same bits
                e0 = y0.reinterpretAsInts().add(m0.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
                e1 = y1.reinterpretAsInts().add(m1.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
            }
            if (store) {
                e0.intoArray(o, q + k);
                e1.intoArray(o, q + k + L);
            }
            acc = acc.add(e0).add(e1);
        }
        nextMax[0] = Math.max(mx0.max(mx1).reduceLanes(VectorOperators.MAX), CpuSoftmax.max(x, pNext + b2, n - b2));
        if (k < F.loopBound(n)) { // one vector left
            FloatVector e = exp(FloatVector.fromArray(F, x, p + k).sub(s));
            if (store) e.intoArray(o, q + k);
            acc = acc.add(e);
            k += L;
        }
        return expTail(x, p, k, n, s, o, q, store, Simd.sumLanes(acc));
    }

    /**
     * sum plus e^(x − shift) over the last n − k (&lt; L) of a run, added one by one in order (stored to o when store): the
     * exponentials as one masked vector (a scalar {@link #exp(float)} per element cost twice a row's whole vector loop
     * on rows of 100 keys); each lane has the bits exp(float) gives, so sums and stores are those of the scalar tail.
     */
    private static float expTail(float[] x, int p, int k, int n, FloatVector s, float[] o, int q, boolean store, float sum) {
        return expTail(x, p, k, n, s.lane(0), o, q, store, sum);
    }

    /**
     * {@link #expTail(float[], int, int, int, FloatVector, float[], int, boolean, float)} with the shift as a float:
     * {@link #expShiftedSum}'s (measured: rows of 64–1,024 keys 8–20% faster than passing it the vector), while the
     * read-ahead loops were faster passing the vector (softmax [4096,4096] 5%). C2's inlining budgets decide.
     */
    private static float expTail(float[] x, int p, int k, int n, float shift, float[] o, int q, boolean store, float sum) {
        if (k >= n) return sum;
        VectorMask<Float> m = F.indexInRange(k, n);
        FloatVector e = exp(FloatVector.fromArray(F, x, p + k, m).sub(shift));
        float[] t = store ? o : new float[L];
        int at = store ? q + k : 0;
        e.intoArray(t, at, m);
        for (int j = 0; j < n - k; j++) sum += t[at + j];
        return sum;
    }

    /** The vector loop of exp over b (a multiple of L) elements. */
    private static void expVectors(float[] in, int p, float[] o, int q, int b) {
        for (int k = 0; k < b; k += L) exp(FloatVector.fromArray(F, in, p + k)).intoArray(o, q + k);
    }

    /**
     * In place, a[p, p+b) = e^a (b a multiple of L) for staged arguments that are ≤ 0 or NaN (−|x|, −|v|, −a²: SiLU,
     * sigmoid, GELU and erf, and their derivatives), with exp(FloatVector)'s bits. Two vectors an iteration: a pair with
     * both in [{@link #EXP_NORMAL_LO}, 0] (a compare each; a NaN fails it) skips the clamps and adds n to the exponent
     * field, any other pair takes the whole sequence (docs/results.md, session 32). A loop of its own rather than
     * {@link #expShifted}'s with shift +0: that one's subtract and upper compare made SiLU, sigmoid and GELU rows 5–10%
     * slower (AVX2 and AVX-512, alternated runs).
     */
    private static void expStagedVectors(float[] a, int p, int b) {
        for (int k = 0; k < b; k += 2 * L) {
            int k1 = Math.min(k + L, b - L); // k itself when one vector is left: the pair repeats it
            FloatVector x0 = FloatVector.fromArray(F, a, p + k), x1 = FloatVector.fromArray(F, a, p + k1);
            boolean normal = x0.compare(VectorOperators.GE, EXP_NORMAL_LO).and(x1.compare(VectorOperators.GE, EXP_NORMAL_LO)).allTrue();
            if (!normal) { // exp(FloatVector)'s clamp (NaN stays NaN)
                x0 = x0.max(V_EXP_LO).min(V_EXP_HI);
                x1 = x1.max(V_EXP_LO).min(V_EXP_HI);
            }
            FloatVector t0 = x0.fma(V_LOG2E, V_MAGIC), t1 = x1.fma(V_LOG2E, V_MAGIC);
            FloatVector n0 = t0.sub(V_MAGIC), n1 = t1.sub(V_MAGIC);
            FloatVector r0 = n0.fma(V_NLN2_LO, n0.fma(V_NLN2_HI, x0)), r1 = n1.fma(V_NLN2_LO, n1.fma(V_NLN2_HI, x1));
            FloatVector y0 = r0.fma(V_E0, V_E1).fma(r0, V_E2).fma(r0, V_E3).fma(r0, V_E4).fma(r0, V_E5);
            FloatVector y1 = r1.fma(V_E0, V_E1).fma(r1, V_E2).fma(r1, V_E3).fma(r1, V_E4).fma(r1, V_E5);
            y0 = y0.fma(r0.mul(r0), r0).add(V_ONE);
            y1 = y1.fma(r1.mul(r1), r1).add(V_ONE);
            IntVector m0 = t0.reinterpretAsInts().sub(V_MAGIC_BITS), m1 = t1.reinterpretAsInts().sub(V_MAGIC_BITS);
            FloatVector e0, e1;
            if (normal) {
                e0 = y0.reinterpretAsInts().add(m0.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
                e1 = y1.reinterpretAsInts().add(m1.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
            } else {
                y0 = y0.blend(V_ZERO, x0.compare(VectorOperators.LT, EXP_ZERO_BELOW)); // +0 without an underflowing product
                y1 = y1.blend(V_ZERO, x1.compare(VectorOperators.LT, EXP_ZERO_BELOW));
                IntVector h0 = m0.lanewise(VectorOperators.ASHR, 1), h1 = m1.lanewise(VectorOperators.ASHR, 1);
                e0 = y0.mul(h0.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                        .mul(m0.sub(h0).add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                e1 = y1.mul(h1.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                        .mul(m1.sub(h1).add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            }
            e0.intoArray(a, p + k);
            e1.intoArray(a, p + k1);
        }
    }

    /** e^x on one vector: the body of the row loops (the same bits). */
    static FloatVector exp(FloatVector v) {
        FloatVector x = v.max(V_EXP_LO).min(V_EXP_HI);
        FloatVector t = x.fma(V_LOG2E, V_MAGIC);
        FloatVector n = t.sub(V_MAGIC);
        FloatVector r = n.fma(V_NLN2_HI, x);
        r = n.fma(V_NLN2_LO, r);
        FloatVector z = r.mul(r);
        FloatVector y = r.fma(V_E0, V_E1).fma(r, V_E2).fma(r, V_E3).fma(r, V_E4).fma(r, V_E5);
        y = y.fma(z, r).add(V_ONE);
        IntVector ni = t.reinterpretAsInts().sub(V_MAGIC_BITS);
        y = y.blend(V_ZERO, x.compare(VectorOperators.LT, EXP_ZERO_BELOW)); // +0 without an underflowing product
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1), n2 = ni.sub(n1);
        FloatVector s1 = n1.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(s1).mul(s2);
    }

    /** SiLU on one vector, in registers: the same bits as {@link #silu(float[], int, float[], int, int)}'s vector loop. */
    static FloatVector silu(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        return x.blend(x.mul(e), x.lt(V_ZERO)).div(e.add(V_ONE));
    }

    /** The sigmoid on one vector, in registers: the same bits as {@link #sigmoid(float[], int, float[], int, int)}'s vector loop. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        return V_ONE.blend(e, x.lt(V_ZERO)).div(e.add(V_ONE));
    }

    /** e^x, the scalar twin of the vector loop. */
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
        if (x < EXP_ZERO_BELOW) y = 0f; // +0 without an underflowing product, as the vector forms
        int ni = Float.floatToRawIntBits(t) - MAGIC_BITS;
        int n1 = ni >> 1, n2 = ni - n1;
        return y * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    // ---------------------------------------------------------------------------------------------------- log
    // x = m·2^e with m in [√½, √2); log x = e·ln2 + log m, log(1+f) = f − f²/2 + f³·P(f); ln2 split in two.
    private static final float SQRT_HALF = 0.707106781186547524f, TWO23 = 8388608f, MIN_NORMAL = 0x1p-126f;
    private static final float L0 = 7.0376836292E-2f, L1 = -1.1514610310E-1f, L2 = 1.1676998740E-1f, L3 = -1.2420140846E-1f,
            L4 = 1.4249322787E-1f, L5 = -1.6668057665E-1f, L6 = 2.0000714765E-1f, L7 = -2.4999993993E-1f, L8 = 3.3333331174E-1f;
    private static final FloatVector V_MIN_NORMAL = c(MIN_NORMAL), V_TWO23 = c(TWO23), V_23 = c(23f),
            V_SQRT_HALF = c(SQRT_HALF), V_L0 = c(L0), V_L1 = c(L1), V_L2 = c(L2), V_L3 = c(L3), V_L4 = c(L4), V_L5 = c(L5),
            V_L6 = c(L6), V_L7 = c(L7), V_L8 = c(L8), V_LN2_LO = c(LN2_LO), V_LN2_HI = c(LN2_HI), V_MHALF = c(-0.5f),
            V_INF = c(Float.POSITIVE_INFINITY), V_NINF = c(Float.NEGATIVE_INFINITY), V_NAN = c(Float.NaN);
    private static final IntVector V_MANT = ci(0x007FFFFF), V_HALF_EXP = ci(0x3F000000), V_126 = ci(126);

    /** o[q, q+n) = log x[p, p+n): −∞ at ±0, NaN below 0; NaN and +∞ unchanged. */
    public static void log(float[] in, int p, float[] o, int q, int n) {
        int b = F.loopBound(n);
        for (int k = 0; k < b; k += L) {
            FloatVector x = FloatVector.fromArray(F, in, p + k);
            VectorMask<Float> sub = x.lt(V_MIN_NORMAL);
            IntVector bits = x.blend(x.mul(V_TWO23), sub).reinterpretAsInts();
            FloatVector fe = bits.lanewise(VectorOperators.LSHR, 23).sub(V_126).add(V_MAGIC_BITS).reinterpretAsFloats()
                    .sub(V_MAGIC).sub(V_ZERO.blend(V_23, sub)); // the exponent as an exact float
            FloatVector m = bits.and(V_MANT).or(V_HALF_EXP).reinterpretAsFloats(); // [0.5, 1)
            VectorMask<Float> low = m.lt(V_SQRT_HALF);
            fe = fe.sub(V_ZERO.blend(V_ONE, low));
            m = m.blend(m.add(m), low).sub(V_ONE);
            FloatVector z = m.mul(m);
            FloatVector y = m.fma(V_L0, V_L1).fma(m, V_L2).fma(m, V_L3).fma(m, V_L4).fma(m, V_L5).fma(m, V_L6).fma(m, V_L7)
                    .fma(m, V_L8);
            y = fe.fma(V_LN2_LO, y.mul(m).mul(z));
            FloatVector r = fe.fma(V_LN2_HI, m.add(z.fma(V_MHALF, y)));
            r = r.blend(V_INF, x.eq(V_INF)).blend(V_NINF, x.eq(V_ZERO)).blend(V_NAN, x.lt(V_ZERO));
            r.blend(x, x.compare(VectorOperators.NE, x)).intoArray(o, q + k);
        }
        for (int k = b; k < n; k++) o[q + k] = log(in[p + k]);
    }

    /** Natural logarithm, the scalar twin of the vector loop. */
    public static float log(float x) {
        if (x != x) return x;
        if (x < 0f) return Float.NaN;
        if (x == 0f) return Float.NEGATIVE_INFINITY;
        if (x == Float.POSITIVE_INFINITY) return x;
        boolean sub = x < MIN_NORMAL;
        int bits = Float.floatToRawIntBits(sub ? x * TWO23 : x);
        float fe = Float.intBitsToFloat((bits >>> 23) - 126 + MAGIC_BITS) - MAGIC - (sub ? 23f : 0f);
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
        y = Math.fma(fe, LN2_LO, y * m * z);
        return Math.fma(fe, LN2_HI, m + Math.fma(z, -0.5f, y));
    }

    // --------------------------------------------------------------------------------------------------- tanh
    // |x| < 0.625: x + x³·P(x²); else 1 − 2/(e^{2|x|} + 1); the sign copied from x at the end.
    private static final float TANH_SMALL = 0.625f;
    private static final float T0 = -5.70498872745E-3f, T1 = 2.06390887954E-2f, T2 = -5.37397155531E-2f, T3 = 1.33314422036E-1f,
            T4 = -3.33332819422E-1f;
    private static final FloatVector V_TANH_SMALL = c(TANH_SMALL), V_T0 = c(T0), V_T1 = c(T1), V_T2 = c(T2), V_T3 = c(T3),
            V_T4 = c(T4);

    /** o[q, q+n) = tanh x[p, p+n). */
    public static void tanh(float[] in, int p, float[] o, int q, int n) {
        int b = F.loopBound(n);
        float[] st = stage(in, o, b);
        for (int c = 0; c < b; c += CHUNK) {
            int m = Math.min(CHUNK, b - c), pc = p + c, qc = q + c, sq = st == o ? qc : 0;
            for (int k = 0; k < m; k += L) {
                FloatVector a = FloatVector.fromArray(F, in, pc + k).abs();
                a.add(a).intoArray(st, sq + k);
            }
            expVectors(st, sq, st, sq, m);
            for (int k = 0; k < m; k += L) {
                FloatVector x = FloatVector.fromArray(F, in, pc + k), a = x.abs(), z = a.mul(a);
                FloatVector small = z.fma(V_T0, V_T1).fma(z, V_T2).fma(z, V_T3).fma(z, V_T4).mul(z).fma(a, a);
                FloatVector large = V_ONE.sub(V_TWO.div(FloatVector.fromArray(F, st, sq + k).add(V_ONE)));
                FloatVector r = large.blend(small, a.lt(V_TANH_SMALL));
                r.reinterpretAsInts().and(V_MAGNITUDE).or(x.reinterpretAsInts().and(V_SIGN)).reinterpretAsFloats().intoArray(o, qc + k);
            }
        }
        for (int k = b; k < n; k++) o[q + k] = tanh(in[p + k]);
    }

    /** Hyperbolic tangent, the scalar twin of the vector loops. */
    public static float tanh(float x) {
        float a = Math.abs(x);
        float r;
        if (a < TANH_SMALL) {
            float z = a * a;
            float t = Math.fma(z, T0, T1);
            t = Math.fma(t, z, T2);
            t = Math.fma(t, z, T3);
            t = Math.fma(t, z, T4);
            r = Math.fma(t * z, a, a);
        } else {
            r = 1f - 2f / (exp(a + a) + 1f);
        }
        return copySign(r, x);
    }

    // ------------------------------------------------------------------------------- sigmoid, SiLU, GELU (tanh)
    // x·sigmoid(v) = x/(1 + e^−v), or x·e^v/(1 + e^v) for v < 0, so that e^|v| never overflows: sigmoid is
    // 1·sigmoid(x), SiLU (Elfwing et al. 2018) x·sigmoid(x), and the tanh form of GELU (Hendrycks and Gimpel 2016,
    // sec. 2) ½x(1 + tanh u) = x·sigmoid(2u), u = √(2/π)(x + 0.044715x³), which has no cancellation for x < 0.
    static final float SQRT_2_OVER_PI = 0.7978845608028654f, GELU_C = 0.044715f, INV_SQRT2 = 0.7071067811865476f;
    private static final FloatVector V_GELU_C = c(GELU_C), V_2_SQRT_2_OVER_PI = c(2f * SQRT_2_OVER_PI);
    private static final int SIGMOID = 0, SILU = 1, GELU_TANH = 2;

    /** o[q, q+n) = sigmoid x[p, p+n). */
    public static void sigmoid(float[] in, int p, float[] o, int q, int n) { timesSigmoid(SIGMOID, in, p, o, q, n); }

    /** o[q, q+n) = SiLU x[p, p+n). */
    public static void silu(float[] in, int p, float[] o, int q, int n) { timesSigmoid(SILU, in, p, o, q, n); }

    /** o[q, q+n) = GELU (tanh approximation) of x[p, p+n). */
    public static void geluTanh(float[] in, int p, float[] o, int q, int n) { timesSigmoid(GELU_TANH, in, p, o, q, n); }

    private static void timesSigmoid(int f, float[] in, int p, float[] o, int q, int n) {
        int b = F.loopBound(n);
        float[] st = stage(in, o, b);
        for (int c = 0; c < b; c += CHUNK) {
            int m = Math.min(CHUNK, b - c), pc = p + c, qc = q + c, sq = st == o ? qc : 0;
            if (f == GELU_TANH) {
                for (int k = 0; k < m; k += L) geluArgument(FloatVector.fromArray(F, in, pc + k)).abs().neg().intoArray(st, sq + k);
            } else {
                for (int k = 0; k < m; k += L) FloatVector.fromArray(F, in, pc + k).abs().neg().intoArray(st, sq + k);
            }
            expStagedVectors(st, sq, m);
            switch (f) {
                case SIGMOID -> {
                    for (int k = 0; k < m; k += L) {
                        FloatVector x = FloatVector.fromArray(F, in, pc + k), e = FloatVector.fromArray(F, st, sq + k);
                        V_ONE.blend(e, x.lt(V_ZERO)).div(e.add(V_ONE)).intoArray(o, qc + k);
                    }
                }
                case SILU -> {
                    for (int k = 0; k < m; k += L) {
                        FloatVector x = FloatVector.fromArray(F, in, pc + k), e = FloatVector.fromArray(F, st, sq + k);
                        x.blend(x.mul(e), x.lt(V_ZERO)).div(e.add(V_ONE)).intoArray(o, qc + k);
                    }
                }
                default -> {
                    for (int k = 0; k < m; k += L) {
                        FloatVector x = FloatVector.fromArray(F, in, pc + k), e = FloatVector.fromArray(F, st, sq + k);
                        x.blend(x.mul(e), geluArgument(x).lt(V_ZERO)).div(e.add(V_ONE)).intoArray(o, qc + k);
                    }
                }
            }
        }
        for (int k = b; k < n; k++) {
            float x = in[p + k];
            o[q + k] = switch (f) {
                case SIGMOID -> sigmoid(x);
                case SILU -> silu(x);
                default -> geluTanh(x);
            };
        }
    }

    /** 2u = 2√(2/π)(x + 0.044715x³), evaluated as x·(0.044715x² + 1)·2√(2/π). */
    private static FloatVector geluArgument(FloatVector x) { return x.mul(x).fma(V_GELU_C, V_ONE).mul(x).mul(V_2_SQRT_2_OVER_PI); }

    private static float geluArgument(float x) { return Math.fma(x * x, GELU_C, 1f) * x * (2f * SQRT_2_OVER_PI); }

    /** 1 / (1 + e^−x), the scalar twin. */
    public static float sigmoid(float x) { return timesSigmoid(1f, x); }

    /** x·sigmoid(x), the scalar twin. */
    public static float silu(float x) { return timesSigmoid(x, x); }

    /** GELU (tanh approximation), the scalar twin. */
    public static float geluTanh(float x) { return timesSigmoid(x, geluArgument(x)); }

    private static float timesSigmoid(float x, float v) {
        float e = exp(-Math.abs(v));
        return (v < 0f ? x * e : x) / (e + 1f);
    }

    // ------------------------------------------------------------------------------------------ erf, GELU (erf)
    // erf: |x| < 1: x·R(x²) (Cephes erff.c); above: Abramowitz and Stegun 7.1.26, 1 − t·A(t)·e^{−x²},
    // t = 1/(1 + p|x|) (|error| < 1.5e-7). GELU: ½x(1 + erf(x/√2)).
    private static final float R0 = 7.853861353153693E-5f, R1 = -8.010193625184903E-4f, R2 = 5.188327685732524E-3f,
            R3 = -2.685381193529856E-2f, R4 = 1.128358514861418E-1f, R5 = -3.761262582423300E-1f, R6 = 1.128379165726710f;
    private static final float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f,
            A5 = 1.061405429f;
    private static final FloatVector V_R0 = c(R0), V_R1 = c(R1), V_R2 = c(R2), V_R3 = c(R3), V_R4 = c(R4), V_R5 = c(R5),
            V_R6 = c(R6), V_P = c(P), V_A1 = c(A1), V_A2 = c(A2), V_A3 = c(A3), V_A4 = c(A4), V_A5 = c(A5);

    /** o[q, q+n) = erf x[p, p+n). */
    public static void erf(float[] in, int p, float[] o, int q, int n) { erfRows(false, in, p, o, q, n); }

    /** o[q, q+n) = GELU (exact, erf form) of x[p, p+n). */
    public static void geluErf(float[] in, int p, float[] o, int q, int n) { erfRows(true, in, p, o, q, n); }

    private static void erfRows(boolean gelu, float[] in, int p, float[] o, int q, int n) {
        int b = F.loopBound(n);
        float[] st = stage(in, o, b);
        float s = gelu ? INV_SQRT2 : 1f; // a scalar, not a vector, chosen by the branch: no vector value merges
        for (int c = 0; c < b; c += CHUNK) {
            int m = Math.min(CHUNK, b - c), pc = p + c, qc = q + c, sq = st == o ? qc : 0;
            // a = |x·s| (x·1 = x exactly); staged −a², then e^(−a²), then erf(a)
            for (int k = 0; k < m; k += L) { FloatVector a = FloatVector.fromArray(F, in, pc + k).mul(s).abs(); a.mul(a).neg().intoArray(st, sq + k); }
            expStagedVectors(st, sq, m);
            for (int k = 0; k < m; k += L) {
                FloatVector a = FloatVector.fromArray(F, in, pc + k).mul(s).abs();
                FloatVector z = a.mul(a);
                FloatVector small = z.fma(V_R0, V_R1).fma(z, V_R2).fma(z, V_R3).fma(z, V_R4).fma(z, V_R5).fma(z, V_R6).mul(a);
                FloatVector t = V_ONE.div(a.mul(V_P).add(V_ONE));
                FloatVector poly = t.mul(V_A5).add(V_A4).mul(t).add(V_A3).mul(t).add(V_A2).mul(t).add(V_A1).mul(t);
                V_ONE.sub(poly.mul(FloatVector.fromArray(F, st, sq + k))).blend(small, a.lt(V_ONE)).intoArray(st, sq + k);
            }
            if (gelu) {
                for (int k = 0; k < m; k += L) {
                    FloatVector x = FloatVector.fromArray(F, in, pc + k), e = FloatVector.fromArray(F, st, sq + k);
                    x.mul(V_HALF).mul(V_ONE.add(e).blend(V_ONE.sub(e), x.lt(V_ZERO))).intoArray(o, qc + k);
                }
            } else {
                for (int k = 0; k < m; k += L) {
                    FloatVector x = FloatVector.fromArray(F, in, pc + k), e = FloatVector.fromArray(F, st, sq + k);
                    e.reinterpretAsInts().and(V_MAGNITUDE).or(x.reinterpretAsInts().and(V_SIGN)).reinterpretAsFloats().intoArray(o, qc + k);
                }
            }
        }
        for (int k = b; k < n; k++) o[q + k] = gelu ? geluErf(in[p + k]) : erf(in[p + k]);
    }

    /** The error function, the scalar twin. */
    public static float erf(float x) { return copySign(erfOfAbs(Math.abs(x)), x); }

    /** GELU (erf form), the scalar twin. */
    public static float geluErf(float x) {
        float e = erfOfAbs(Math.abs(x * INV_SQRT2));
        return x * 0.5f * (x < 0f ? 1f - e : 1f + e);
    }

    /** erf(a) for a ≥ 0 (or NaN). */
    private static float erfOfAbs(float a) { return a < 1f ? erfOfAbs(a, 0f) : erfOfAbs(a, exp(-(a * a))); }

    /** erf(a) for a ≥ 0 (or NaN), given e = e^(−a²) (used from a = 1 on). */
    private static float erfOfAbs(float a, float e) {
        float z = a * a;
        if (a < 1f) {
            float y = Math.fma(z, R0, R1);
            y = Math.fma(y, z, R2);
            y = Math.fma(y, z, R3);
            y = Math.fma(y, z, R4);
            y = Math.fma(y, z, R5);
            return Math.fma(y, z, R6) * a;
        }
        float t = 1f / (a * P + 1f);
        float poly = ((((t * A5 + A4) * t + A3) * t + A2) * t + A1) * t;
        return 1f - poly * e;
    }

    // -------------------------------------------------------------------- derivatives of SiLU and GELU (backward)
    // o = g·f'(x) for an upstream gradient g. With e = e^−|v| and r = 1/(1 + e): sigmoid(v) = r (v ≥ 0) or e·r,
    // 1 − sigmoid(v) the other one (no cancellation). SiLU: σ(x)(1 + x(1 − σ(x))). GELU (tanh form), y = x·σ(v),
    // v = 2u: σ(v) + x·σ(v)(1 − σ(v))·2√(2/π)(1 + 3·0.044715x²). GELU (erf form): Φ(x) + x·φ(x), where
    // φ(x) = e^(−x²/2)/√(2π) reuses the exponential of erf(|x|/√2) (Hendrycks and Gimpel 2016).
    private static final float INV_SQRT_2PI = 0.3989422804014327f, GELU_3C = 3f * GELU_C;
    // dv/dx is needed only where 1 − σ(v) > 0, i.e. |x| < 10: x is clamped to ±20 there so that x² cannot overflow
    // (∞·0 would give NaN for huge finite x)
    private static final float DV_CLAMP = 20f;
    private static final FloatVector V_INV_SQRT_2PI = c(INV_SQRT_2PI), V_GELU_3C = c(GELU_3C);
    private static final int GELU_ERF = 3;

    /** o[q, q+n) = g[gp, gp+n) · SiLU'(x[p, p+n)). */
    public static void siluGrad(float[] g, int gp, float[] in, int p, float[] o, int q, int n) { derivative(SILU, g, gp, in, p, o, q, n); }

    /** o[q, q+n) = g[gp, gp+n) · GELU'(x[p, p+n)), tanh approximation. */
    public static void geluTanhGrad(float[] g, int gp, float[] in, int p, float[] o, int q, int n) {
        derivative(GELU_TANH, g, gp, in, p, o, q, n);
    }

    /** o[q, q+n) = g[gp, gp+n) · GELU'(x[p, p+n)), exact (erf) form. */
    public static void geluErfGrad(float[] g, int gp, float[] in, int p, float[] o, int q, int n) {
        derivative(GELU_ERF, g, gp, in, p, o, q, n);
    }

    private static void derivative(int f, float[] g, int gp, float[] in, int p, float[] o, int q, int n) {
        int b = F.loopBound(n);
        float[] st = o == in || o == g ? new float[Math.min(CHUNK, b)] : o;
        for (int c = 0; c < b; c += CHUNK) {
            int m = Math.min(CHUNK, b - c), pc = p + c, gc = gp + c, qc = q + c, sq = st == o ? qc : 0;
            switch (f) { // staged exp arguments: −|x|, −|v| or −(x/√2)²
                case SILU -> { for (int k = 0; k < m; k += L) FloatVector.fromArray(F, in, pc + k).abs().neg().intoArray(st, sq + k); }
                case GELU_TANH -> { for (int k = 0; k < m; k += L) geluArgument(FloatVector.fromArray(F, in, pc + k)).abs().neg().intoArray(st, sq + k); }
                default -> {
                    for (int k = 0; k < m; k += L) { FloatVector a = FloatVector.fromArray(F, in, pc + k).mul(INV_SQRT2).abs(); a.mul(a).neg().intoArray(st, sq + k); }
                }
            }
            expStagedVectors(st, sq, m);
            switch (f) {
                case SILU -> {
                    for (int k = 0; k < m; k += L) {
                        FloatVector x = FloatVector.fromArray(F, in, pc + k), e = FloatVector.fromArray(F, st, sq + k);
                        FloatVector r = V_ONE.div(e.add(V_ONE)), er = e.mul(r);
                        VectorMask<Float> neg = x.lt(V_ZERO);
                        FloatVector s = r.blend(er, neg), sm = er.blend(r, neg);
                        FloatVector.fromArray(F, g, gc + k).mul(s).mul(x.fma(sm, V_ONE)).intoArray(o, qc + k);
                    }
                }
                case GELU_TANH -> {
                    for (int k = 0; k < m; k += L) {
                        FloatVector x = FloatVector.fromArray(F, in, pc + k), e = FloatVector.fromArray(F, st, sq + k);
                        FloatVector r = V_ONE.div(e.add(V_ONE)), er = e.mul(r);
                        VectorMask<Float> neg = geluArgument(x).lt(V_ZERO);
                        FloatVector s = r.blend(er, neg), sm = er.blend(r, neg);
                        FloatVector xc = x.max(-DV_CLAMP).min(DV_CLAMP);
                        FloatVector dv = xc.mul(xc).fma(V_GELU_3C, V_ONE).mul(V_2_SQRT_2_OVER_PI);
                        FloatVector.fromArray(F, g, gc + k).mul(x.mul(s).mul(sm).fma(dv, s)).intoArray(o, qc + k);
                    }
                }
                default -> {
                    for (int k = 0; k < m; k += L) {
                        FloatVector x = FloatVector.fromArray(F, in, pc + k), e = FloatVector.fromArray(F, st, sq + k);
                        FloatVector a = x.mul(INV_SQRT2).abs();
                        FloatVector z = a.mul(a);
                        FloatVector small = z.fma(V_R0, V_R1).fma(z, V_R2).fma(z, V_R3).fma(z, V_R4).fma(z, V_R5).fma(z, V_R6).mul(a);
                        FloatVector t = V_ONE.div(a.mul(V_P).add(V_ONE));
                        FloatVector poly = t.mul(V_A5).add(V_A4).mul(t).add(V_A3).mul(t).add(V_A2).mul(t).add(V_A1).mul(t);
                        FloatVector erf = V_ONE.sub(poly.mul(e)).blend(small, a.lt(V_ONE));
                        FloatVector cdf2 = V_ONE.add(erf).blend(V_ONE.sub(erf), x.lt(V_ZERO)); // 2Φ(x)
                        FloatVector.fromArray(F, g, gc + k).mul(x.mul(e).fma(V_INV_SQRT_2PI, cdf2.mul(V_HALF))).intoArray(o, qc + k);
                    }
                }
            }
        }
        for (int k = b; k < n; k++) {
            float gk = g[gp + k], x = in[p + k];
            o[q + k] = switch (f) {
                case SILU -> siluGrad(gk, x);
                case GELU_TANH -> geluTanhGrad(gk, x);
                default -> geluErfGrad(gk, x);
            };
        }
    }

    /** g·SiLU'(x), the scalar twin. */
    public static float siluGrad(float g, float x) {
        float e = exp(-Math.abs(x)), r = 1f / (e + 1f), er = e * r;
        float s = x < 0f ? er : r, sm = x < 0f ? r : er;
        return g * s * Math.fma(x, sm, 1f);
    }

    /** g·GELU'(x) (tanh approximation), the scalar twin. */
    public static float geluTanhGrad(float g, float x) {
        float v = geluArgument(x), e = exp(-Math.abs(v)), r = 1f / (e + 1f), er = e * r;
        float s = v < 0f ? er : r, sm = v < 0f ? r : er;
        float xc = Math.min(Math.max(x, -DV_CLAMP), DV_CLAMP);
        float dv = Math.fma(xc * xc, GELU_3C, 1f) * (2f * SQRT_2_OVER_PI);
        return g * Math.fma(x * s * sm, dv, s);
    }

    /** g·GELU'(x) (erf form), the scalar twin. */
    public static float geluErfGrad(float g, float x) {
        float a = Math.abs(x * INV_SQRT2), e = exp(-(a * a)), erf = erfOfAbs(a, e);
        float cdf2 = x < 0f ? 1f - erf : 1f + erf;
        return g * Math.fma(x * e, INV_SQRT_2PI, cdf2 * 0.5f);
    }

    /** |m| with the sign bit of s (bitwise, so also for ±0 and NaN). */
    private static float copySign(float m, float s) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(m) & 0x7FFFFFFF | Float.floatToRawIntBits(s) & 0x80000000);
    }
}
