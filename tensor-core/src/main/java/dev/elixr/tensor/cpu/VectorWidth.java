package dev.elixr.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector species every fast CPU kernel uses, fixed at class load so that C2 sees a constant:
 * {@code -Delixr.vector.bits=512|256|128} picks a width (default: the preferred species of this CPU).
 * The 256- and 128-bit paths are the generic fall-backs for machines without AVX-512; the test suite
 * runs the kernel tests once per width on this host.
 */
public final class VectorWidth {
    /** The species the kernels use. */
    public static final VectorSpecies<Float> FLOAT = species(Integer.getInteger("elixr.vector.bits", 0));

    private VectorWidth() {}

    static VectorSpecies<Float> species(int bits) {
        return switch (bits) {
            case 0 -> FloatVector.SPECIES_PREFERRED;
            case 512 -> FloatVector.SPECIES_512;
            case 256 -> FloatVector.SPECIES_256;
            case 128 -> FloatVector.SPECIES_128;
            default -> throw new IllegalArgumentException(
                    "elixr.vector.bits must be 512, 256 or 128 (or unset for the preferred width), got " + bits);
        };
    }

    /** Bits per vector, for reports. */
    public static int bits() { return FLOAT.vectorBitSize(); }
}
