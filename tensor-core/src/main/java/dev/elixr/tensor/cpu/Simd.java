package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector species every CPU fast path uses: {@link FloatVector#SPECIES_PREFERRED}, or the width
 * given by {@code -Delixr.vector.bits=128|256|512}. A static final constant, so C2 intrinsifies the kernels;
 * tests run the fast paths once per width in separate JVMs.
 */
public final class Simd {
    static final VectorSpecies<Float> F = pick(System.getProperty("elixr.vector.bits"));
    static final int L = F.length();

    private Simd() {}

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
