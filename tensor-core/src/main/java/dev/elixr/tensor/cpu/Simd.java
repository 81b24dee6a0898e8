package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector species every CPU fast path uses: {@link FloatVector#SPECIES_PREFERRED}, or the width
 * given by {@code -Delixr.vector.bits=128|256|512}. A static final constant, so C2 intrinsifies the kernels;
 * tests run the fast paths once per width in separate JVMs.
 */
public final class Simd {
    static final VectorSpecies<Float> F = pick(System.getProperty("elixr.vector.bits"));
    static final int L = F.length();

    // lane j paired with lane j ^ h, for h = L/2, L/4, ..., 1
    private static final VectorShuffle<Float> H8 = swap(8), H4 = swap(4), H2 = swap(2), H1 = swap(1);

    private Simd() {}

    /**
     * The sum of the lanes of v, added in a fixed tree order (halves, then quarters, …), so every JIT tier gives
     * the same bits: {@code reduceLanes(ADD)} leaves the order unspecified, and C2 and the Java fallback differ.
     */
    static float sumLanes(FloatVector v) {
        if (L >= 16) v = v.add(v.rearrange(H8));
        if (L >= 8) v = v.add(v.rearrange(H4));
        if (L >= 4) v = v.add(v.rearrange(H2));
        if (L >= 2) v = v.add(v.rearrange(H1));
        return v.lane(0);
    }

    /** The scalar twin of {@link #sumLanes}: the same additions on lanes held in an array. */
    static float sumLanes(float[] lanes) {
        float[] a = lanes.clone();
        for (int h = a.length / 2; h >= 1; h /= 2) {
            float[] b = a.clone();
            for (int j = 0; j < a.length; j++) b[j] = a[j] + a[j ^ h];
            a = b;
        }
        return a[0];
    }

    private static VectorShuffle<Float> swap(int h) {
        return VectorShuffle.fromOp(F, j -> h < L ? j ^ h : j);
    }

    /** The species in use (for {@code elixr info} and tests). */
    public static VectorSpecies<Float> species() { return F; }

    static VectorSpecies<Float> pick(String bits) {
        if (bits == null || bits.isBlank()) return FloatVector.SPECIES_PREFERRED;
        return switch (bits.trim()) {
            case "128", "256", "512" -> VectorSpecies.of(float.class, VectorShape.forBitSize(Integer.parseInt(bits.trim())));
            default -> throw new IllegalArgumentException("elixr.vector.bits: '" + bits + "' is not 128, 256 or 512");
        };
    }
}
