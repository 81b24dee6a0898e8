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
        for (int i : new int[] {1, 5, 16, 1000}) {
            long[] at = unmoved(whole, () -> CacheLines.address(whole.asSlice(4L * i)));
            assertTrue(at[0] > 0 && at[0] % 4 == 0, "address " + at[0]);
            assertEquals(at[0] + 4L * i, at[1], "float " + i);
        }
    }

    @Test
    void floatsToLinePutsTheArrayElementOnA64ByteLine() {
        for (int n : new int[] {1, 17, 1000, 1 << 18, 3 << 19}) { // small, young and humongous arrays
            float[] a = new float[n + CacheLines.SLACK];
            long[] at = unmoved(MemorySegment.ofArray(a), () -> CacheLines.floatsToLine(a));
            assertTrue(at[1] >= 0 && at[1] < CacheLines.SLACK, "offset " + at[1]);
            assertEquals(0, (at[0] + 4L * at[1]) % CacheLines.LINE, "array of " + n + " at " + at[0] + ", offset " + at[1]);
        }
    }

    /**
     * {array's address, value} with the value read while the array stayed where it was: the address read before and
     * after are equal (a collection between two reads may move a heap array; then read again).
     */
    private static long[] unmoved(MemorySegment array, java.util.function.LongSupplier value) {
        for (int attempt = 0; attempt < 10; attempt++) {
            long before = CacheLines.address(array), v = value.getAsLong(), after = CacheLines.address(array);
            if (before == after) return new long[] {before, v};
        }
        throw new AssertionError("the array moved during every one of 10 reads");
    }
}
