package dev.elixr.tensor;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parallel.forChunks hands out every index exactly once, in chunks of the asked size (the last shorter). */
class ParallelTest {
    @ParameterizedTest
    @CsvSource({"1, 1", "7, 16", "100, 16", "257, 16", "4096, 1", "1000, 333", "33, 32"})
    void forChunksCoversEveryIndexOnceInChunksOfTheAskedSize(int n, int chunk) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Parallel.forChunks(n, chunk, (s, e) -> {
            assertTrue(s < e && e <= n, "chunk [" + s + ", " + e + ") of " + n);
            assertTrue(e - s == Math.min(chunk, n) || e == n, "chunk [" + s + ", " + e + ") is neither " + chunk + " long nor the last");
            for (int i = s; i < e; i++) seen.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "index " + i + " of " + n);
    }
}
