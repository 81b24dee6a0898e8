package dev.elixr.bench;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The off-heap bandwidth probe: a buffer of ones, read whole (the probe checks its own sum) at a finite rate; the copy
 * probe: every element copied, at a finite rate, buffers of unequal length refused.
 */
class MemoryBandwidthTest {
    @Test
    void segmentProbeIsFilledWithOnesAndReadWhole() {
        MemorySegment m = MemoryBandwidth.segment(8);
        assertEquals(8L << 20, m.byteSize());
        assertEquals(1f, m.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
        assertEquals(1f, m.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, m.byteSize() / 4 - 1));
        double gbs = MemoryBandwidth.measure(m, 1);
        assertTrue(gbs > 0 && Double.isFinite(gbs), "GB/s " + gbs);
    }

    @Test
    void segmentProbeNoticesABufferThatIsNotAllOnes() {
        MemorySegment m = MemoryBandwidth.segment(8);
        m.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 12345, 2f);
        assertThrows(IllegalStateException.class, () -> MemoryBandwidth.measure(m, 1));
    }

    @Test
    void copyProbeCopiesEveryElementAtAFiniteRate() {
        float[] src = new float[1 << 20], dst = new float[1 << 20];
        java.util.SplittableRandom r = new java.util.SplittableRandom(17);
        for (int i = 0; i < src.length; i++) src[i] = (float) r.nextDouble(-1, 1);
        double gbs = MemoryBandwidth.copy(src, dst, 1);
        assertTrue(gbs > 0 && Double.isFinite(gbs), "GB/s " + gbs);
        org.junit.jupiter.api.Assertions.assertArrayEquals(src, dst);
    }

    @Test
    void copyProbeRefusesBuffersOfUnequalLength() {
        assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.copy(new float[1 << 12], new float[1 << 13], 1));
    }
}
