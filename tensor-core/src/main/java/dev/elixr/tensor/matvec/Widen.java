package dev.elixr.tensor.matvec;

import dev.elixr.tensor.cpu.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Loads L half-precision values (L = the float lanes of {@link Simd#species()}) from memory and widens them to one
 * float vector, with no scalar step: a short vector of half the float width, sign-extended to ints (S2I), then
 * <ul>
 *   <li>BF16: the upper half of a float32, so the bits shift left by 16;</li>
 *   <li>F16 (IEEE binary16): sign moved to bit 31, exponent and mantissa shifted left by 13 and scaled by 2^112 —
 *       exact for normal and subnormal halves (the float multiply re-biases the exponent 15 → 127) — and the
 *       exponent forced to all ones where the half was Inf or NaN.</li>
 * </ul>
 */
final class Widen {
    static final VectorSpecies<Float> F = Simd.species();
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final VectorSpecies<Short> H = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 2)));
    static final int L = F.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Widen() {}

    /** The bits of L consecutive 16-bit values at byte offset off, sign-extended to int lanes. */
    private static IntVector halves(MemorySegment m, long off) {
        return (IntVector) ShortVector.fromMemorySegment(H, m, off, LE).convertShape(VectorOperators.S2I, I, 0);
    }

    static FloatVector bf16(MemorySegment m, long off) {
        return halves(m, off).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** n half-precision values from byte offset off into out[o …], L at a time then one by one. */
    static void row(boolean bf16, MemorySegment m, long off, float[] out, int o, int n) {
        int i = 0;
        for (; i + L <= n; i += L) (bf16 ? bf16(m, off + 2L * i) : f16(m, off + 2L * i)).intoArray(out, o + i);
        for (; i < n; i++) {
            short h = m.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE), off + 2L * i);
            out[o + i] = bf16 ? dev.elixr.tensor.DType.bf16ToFloat(h) : Float.float16ToFloat(h);
        }
    }

    static FloatVector f16(MemorySegment m, long off) {
        IntVector h = halves(m, off);
        IntVector em = h.and(0x7fff), shifted = em.lanewise(VectorOperators.LSHL, 13);
        IntVector magnitude = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> infOrNan = em.compare(VectorOperators.GE, 0x7c00);
        magnitude = magnitude.blend(shifted.or(0x7f800000), infOrNan);
        return magnitude.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }
}
