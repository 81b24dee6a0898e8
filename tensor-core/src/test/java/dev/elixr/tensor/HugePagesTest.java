package dev.elixr.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link HugePages}: the mapping (or its fallback) is the size asked for, zeroed, aligned and writable end to end. */
class HugePagesTest {
    private static void check(MemorySegment m, long bytes) {
        assertEquals(bytes, m.byteSize());
        assertEquals(0, m.address() % 64, "64-byte aligned");
        for (long o = 0; o < bytes; o += 4093) assertEquals(0, m.get(ValueLayout.JAVA_BYTE, o), "zeroed at " + o);
        m.set(ValueLayout.JAVA_BYTE, bytes - 1, (byte) 7);
        m.set(ValueLayout.JAVA_BYTE, 0, (byte) 5);
        assertEquals(7, m.get(ValueLayout.JAVA_BYTE, bytes - 1));
        assertEquals(5, m.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void mappedMemoryIsZeroedAlignedAndWritable() {
        long bytes = HugePages.MIN_BYTES + 12345;
        check(HugePages.mapped(bytes), bytes);
    }

    @Test
    void allocateServesSmallAndLargeSizes() {
        check(HugePages.allocate(1000), 1000);
        check(HugePages.allocate(HugePages.MIN_BYTES + 64), HugePages.MIN_BYTES + 64);
        assertTrue(HugePages.describe().contains("pages"));
    }
}
