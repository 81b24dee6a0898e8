package dev.elixr.tensor.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CacheLines}: addresses read through memset(p, 0, 0), and the offset that puts a packing buffer on a line. */
class CacheLinesTest {
    @Test
    void availableWhereNativeAccessIsEnabledAsInTheTestJvm() {
        assertTrue(CacheLines.available(), CacheLines.describe());
        assertTrue(CacheLines.describe().startsWith("packed B strips start on 64-byte lines"), CacheLines.describe());
    }

    @Test
    void addressOfANativeSegmentIsItsOwn() {
        try (Arena arena = Arena.ofConfined()) {
            for (long align : new long[] {4, 64, 4096}) {
                MemorySegment s = arena.allocate(1000, align).asSlice(12);
                assertEquals(s.address(), CacheLines.address(s));
            }
        }
    }

    @Test
    void addressesOfSlicesOfAHeapArrayStepByTheirOffsets() {
        float[] a = new float[1 << 12];
        MemorySegment whole = MemorySegment.ofArray(a);
        long base = CacheLines.address(whole);
        assertTrue(base > 0 && base % 4 == 0, "address " + base);
        for (int i : new int[] {1, 5, 16, 1000})
            assertEquals(base + 4L * i, CacheLines.address(whole.asSlice(4L * i)), "float " + i);
    }

    @Test
    void floatsToLinePutsTheArrayElementOnA64ByteLine() {
        for (int n : new int[] {1, 17, 1000, 1 << 18, 3 << 19}) { // small, young and humongous arrays
            float[] a = new float[n + CacheLines.SLACK];
            int off = CacheLines.floatsToLine(a);
            assertTrue(off >= 0 && off < CacheLines.SLACK, "offset " + off);
            assertEquals(0, (CacheLines.address(MemorySegment.ofArray(a)) + 4L * off) % CacheLines.LINE, "array of " + n);
        }
    }
}
