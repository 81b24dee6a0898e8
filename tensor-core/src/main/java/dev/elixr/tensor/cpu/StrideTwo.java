package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row moves at an input stride of 2, the stride of every downsampling convolution: im2col reads every other float of
 * an image row, col2im adds into every other float. Vector strategy: the gather loads 2·VL consecutive floats as two
 * vectors and keeps their even lanes ({@link #evens}); the scatter-add zips VL column values with zeros into two vectors
 * ({@link #zip}) and adds them onto 2·VL consecutive floats of the row, so the odd floats get + 0 (the same value; a −0
 * becomes +0). At 512 bits a two-source permute ({@link FloatVector#selectFrom(jdk.incubator.vector.Vector,
 * jdk.incubator.vector.Vector)}, AVX-512's one vpermi2ps) does each; narrower, one-source permutes and a blend, which
 * C2 turns into fewer and cheaper instructions there. On AVX2 (Zen 3, one thread, rows of 48 floats in cache, a scratch
 * harness, two runs each way): scatter-add 0.46 ns a float against the two-source permutes' 0.69, gather 0.35 against 0.43.
 * Every even float receives the same single add as in the scalar loop, so the results are those of the scalar loop
 * ({@link #gatherReference}, {@link #scatterAddReference}). A vector step runs only while its last float lies before
 * the last float the call may touch; the rest is scalar.
 */
final class StrideTwo {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = S.length();
    /**
     * Whether {@link #evens}, {@link #odds} and {@link #zip} use two-source permutes: at 512 bits (one instruction there);
     * {@code -Delixr.strideTwo.twoSource=true|false} overrides, for comparisons.
     */
    static final boolean TWO_SOURCE = Boolean.parseBoolean(System.getProperty("elixr.strideTwo.twoSource",
            Boolean.toString(S.vectorBitSize() >= 512)));
    /** Lane i of EVEN.selectFrom(a, b) is lane 2i of a‖b, of ODD lane 2i + 1. */
    private static final FloatVector EVEN = index(i -> 2 * i), ODD = index(i -> 2 * i + 1);
    /** Lane i of ZIP_LO.selectFrom(v, 0) is v[i/2] for even i, 0 for odd i; ZIP_HI the same from v's upper half. */
    private static final FloatVector ZIP_LO = index(i -> (i & 1) == 0 ? i / 2 : VL), ZIP_HI = index(i -> (i & 1) == 0 ? VL / 2 + i / 2 : VL);
    /** One-source twins: lane i of a.rearrange(EVENS) is a[2i mod VL] (the lower half a's even lanes, repeated above). */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(S, i -> 2 * i % VL), ODDS = VectorShuffle.fromOp(S, i -> (2 * i + 1) % VL);
    private static final VectorShuffle<Float> HALF_LO = VectorShuffle.fromOp(S, i -> i / 2), HALF_HI = VectorShuffle.fromOp(S, i -> VL / 2 + i / 2);
    private static final VectorMask<Float> UPPER = VectorMask.fromLong(S, ((1L << VL) - 1) & -(1L << (VL / 2)));
    private static final VectorMask<Float> ODD_LANES = VectorMask.fromLong(S, 0xAAAA_AAAA_AAAA_AAAAL & ((1L << VL) - 1));

    private StrideTwo() {}

    private static FloatVector index(java.util.function.IntUnaryOperator f) {
        float[] idx = new float[VL];
        for (int i = 0; i < VL; i++) idx[i] = f.applyAsInt(i);
        return FloatVector.fromArray(S, idx, 0);
    }

    /** The even lanes of a‖b: lane i is lane 2i of the 2·VL floats a then b. */
    static FloatVector evens(FloatVector a, FloatVector b) { return evens(a, b, TWO_SOURCE); }

    /** The odd lanes of a‖b: lane i is lane 2i + 1. */
    static FloatVector odds(FloatVector a, FloatVector b) { return odds(a, b, TWO_SOURCE); }

    /** v's lower (upper when {@code high}) half zipped with zeros: lane 2i is v[i] (v[VL/2 + i]), lane 2i + 1 is +0. */
    static FloatVector zip(FloatVector v, boolean high) { return zip(v, high, TWO_SOURCE); }

    /** {@link #evens} by either strategy (tests hold them equal on any machine). */
    static FloatVector evens(FloatVector a, FloatVector b, boolean twoSource) {
        return twoSource ? EVEN.selectFrom(a, b) : a.rearrange(EVENS).blend(b.rearrange(EVENS), UPPER);
    }

    static FloatVector odds(FloatVector a, FloatVector b, boolean twoSource) {
        return twoSource ? ODD.selectFrom(a, b) : a.rearrange(ODDS).blend(b.rearrange(ODDS), UPPER);
    }

    static FloatVector zip(FloatVector v, boolean high, boolean twoSource) {
        if (twoSource) return (high ? ZIP_HI : ZIP_LO).selectFrom(v, FloatVector.zero(S));
        return v.rearrange(high ? HALF_HI : HALF_LO).blend(0f, ODD_LANES);
    }

    /** out[dst + t] = in[src + 2t] for t &lt; n. */
    static void gather(float[] in, int src, float[] out, int dst, int n) {
        int t = 0;
        for (; t + VL < n; t += VL) { // reads up to in[src + 2t + 2VL − 1] < in[src + 2(n − 1)]
            FloatVector a = FloatVector.fromArray(S, in, src + 2 * t), b = FloatVector.fromArray(S, in, src + 2 * t + VL);
            evens(a, b).intoArray(out, dst + t);
        }
        for (; t < n; t++) out[dst + t] = in[src + 2 * t];
    }

    /** out[dst + 2t] += in[src + t] for t &lt; n (the floats between are left as they are). */
    static void scatterAdd(float[] in, int src, float[] out, int dst, int n) {
        int t = 0;
        for (; t + VL < n; t += VL) { // touches up to out[dst + 2t + 2VL − 1] < out[dst + 2(n − 1)]
            FloatVector v = FloatVector.fromArray(S, in, src + t);
            int o = dst + 2 * t;
            FloatVector.fromArray(S, out, o).add(zip(v, false)).intoArray(out, o);
            FloatVector.fromArray(S, out, o + VL).add(zip(v, true)).intoArray(out, o + VL);
        }
        for (; t < n; t++) out[dst + 2 * t] += in[src + t];
    }

    /** The plain loop of {@link #gather}, for tests. */
    static void gatherReference(float[] in, int src, float[] out, int dst, int n) {
        for (int t = 0; t < n; t++) out[dst + t] = in[src + 2 * t];
    }

    /** The plain loop of {@link #scatterAdd}, for tests. */
    static void scatterAddReference(float[] in, int src, float[] out, int dst, int n) {
        for (int t = 0; t < n; t++) out[dst + 2 * t] += in[src + t];
    }
}
