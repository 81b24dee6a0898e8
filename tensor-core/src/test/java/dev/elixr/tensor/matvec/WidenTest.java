package dev.elixr.tensor.matvec;

import dev.elixr.tensor.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.fail;

/** The vector widening of half-precision lanes gives the same float as the scalar conversion for all 65536 bit patterns. */
class WidenTest {
    private static MemorySegment allPatterns() {
        MemorySegment m = Arena.ofAuto().allocate(2L * 65536, 8);
        for (int i = 0; i < 65536; i++) m.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, (short) i);
        return m;
    }

    private static void check(boolean bf16) {
        MemorySegment m = allPatterns();
        float[] lanes = new float[Widen.L];
        for (int i = 0; i < 65536; i += Widen.L) {
            (bf16 ? Widen.bf16(m, 2L * i) : Widen.f16(m, 2L * i)).intoArray(lanes, 0);
            for (int j = 0; j < Widen.L; j++) {
                short h = (short) (i + j);
                float expected = bf16 ? DType.bf16ToFloat(h) : Float.float16ToFloat(h);
                boolean same = Float.isNaN(expected) ? Float.isNaN(lanes[j]) : Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(lanes[j]);
                if (!same) fail((bf16 ? "bf16" : "f16") + " bits 0x" + Integer.toHexString(h & 0xffff) + ": " + lanes[j] + ", expected " + expected);
            }
        }
    }

    @Test
    void everyF16BitPatternWidensLikeFloat16ToFloat() { check(false); }

    @Test
    void everyBf16BitPatternWidensLikeTheUpperHalfOfAFloat() { check(true); }
}
