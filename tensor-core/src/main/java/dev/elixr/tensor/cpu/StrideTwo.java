package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row moves at an input stride of 2, the stride of every downsampling convolution: im2col reads every other float of
 * an image row, col2im adds into every other float. Vector strategy: the gather loads 2·VL consecutive floats as two
 * vectors and keeps their even lanes with one two-source permute ({@link FloatVector#selectFrom(jdk.incubator.vector.Vector,
 * jdk.incubator.vector.Vector)}); the scatter-add zips VL column values with zeros into two vectors (one permute each)
 * and adds them onto 2·VL consecutive floats of the row, so the odd floats get + 0 (the same value; a −0 becomes +0).
 * Every even float receives the same single add as in the scalar loop, so the results are those of the scalar loop
 * ({@link #gatherReference}, {@link #scatterAddReference}). A vector step runs only while its last float lies before
 * the last float the call may touch; the rest is scalar.
 */
final class StrideTwo {
    static final VectorSpecies<Float> S = Simd.F;
    static final int VL = S.length();
    /** Lane i of EVEN.selectFrom(a, b) is lane 2i of a‖b. */
    private static final FloatVector EVEN = index(i -> 2 * i);
    /** Lane i of ZIP_LO.selectFrom(v, 0) is v[i/2] for even i, 0 for odd i; ZIP_HI the same from v's upper half. */
    private static final FloatVector ZIP_LO = index(i -> (i & 1) == 0 ? i / 2 : VL), ZIP_HI = index(i -> (i & 1) == 0 ? VL / 2 + i / 2 : VL);

    private StrideTwo() {}

    private static FloatVector index(java.util.function.IntUnaryOperator f) {
        float[] idx = new float[VL];
        for (int i = 0; i < VL; i++) idx[i] = f.applyAsInt(i);
        return FloatVector.fromArray(S, idx, 0);
    }

    /** out[dst + t] = in[src + 2t] for t &lt; n. */
    static void gather(float[] in, int src, float[] out, int dst, int n) {
        int t = 0;
        for (; t + VL < n; t += VL) { // reads up to in[src + 2t + 2VL − 1] < in[src + 2(n − 1)]
            FloatVector a = FloatVector.fromArray(S, in, src + 2 * t), b = FloatVector.fromArray(S, in, src + 2 * t + VL);
            EVEN.selectFrom(a, b).intoArray(out, dst + t);
        }
        for (; t < n; t++) out[dst + t] = in[src + 2 * t];
    }

    /** out[dst + 2t] += in[src + t] for t &lt; n (the floats between are left as they are). */
    static void scatterAdd(float[] in, int src, float[] out, int dst, int n) {
        int t = 0;
        FloatVector zero = FloatVector.zero(S);
        for (; t + VL < n; t += VL) { // touches up to out[dst + 2t + 2VL − 1] < out[dst + 2(n − 1)]
            FloatVector v = FloatVector.fromArray(S, in, src + t);
            int o = dst + 2 * t;
            FloatVector.fromArray(S, out, o).add(ZIP_LO.selectFrom(v, zero)).intoArray(out, o);
            FloatVector.fromArray(S, out, o + VL).add(ZIP_HI.selectFrom(v, zero)).intoArray(out, o + VL);
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
