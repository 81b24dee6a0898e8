package dev.elixr.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parallel.forChunks hands out every index exactly once, in chunks of the asked size (the last shorter); so does a
 * {@link Team} of persistent helpers from loop to loop and after a chunk fails, refusing nested and concurrent
 * callers (who run elsewhere) rather than mixing their loops.
 */
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

    static void assertCovered(AtomicIntegerArray seen, String what) {
        for (int i = 0; i < seen.length(); i++) assertEquals(1, seen.get(i), what + ": index " + i);
    }

    /** Runs a loop on the team, asserting that it took it. */
    static void runOn(Team team, int n, int chunk, Parallel.RangeBody body) {
        assertTrue(team.run(n, chunk, body), "the team refused a loop from an idle caller");
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "7, 16", "257, 16", "4096, 1", "1000, 333"})
    void aTeamCoversEveryIndexOnceFromLoopToLoop(int n, int chunk) {
        Team team = new Team(3);
        try {
            for (int round = 0; round < 50; round++) {
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                runOn(team, n, chunk, (s, e) -> {
                    for (int i = s; i < e; i++) seen.incrementAndGet(i);
                });
                assertCovered(seen, "round " + round);
            }
        } finally {
            team.stop();
        }
    }

    @Test
    void aFailingChunkReachesTheCallerAndTheTeamServesTheNextLoop() {
        Team team = new Team(2);
        try {
            var e = assertThrows(IllegalStateException.class, () -> team.run(64, 1, (s, x) -> {
                if (s == 37) throw new IllegalStateException("chunk 37");
            }));
            assertEquals("chunk 37", e.getMessage());
            AtomicIntegerArray seen = new AtomicIntegerArray(64);
            runOn(team, 64, 1, (s, x) -> seen.incrementAndGet(s));
            assertCovered(seen, "the loop after a failure");
        } finally {
            team.stop();
        }
    }

    @Test
    void aLoopStartedInsideAChunkIsLeftToTheCallerAndForChunksStillCoversIt() {
        Team team = new Team(2);
        try {
            AtomicIntegerArray refused = new AtomicIntegerArray(8);
            runOn(team, 8, 1, (s, e) -> {
                if (!team.run(4, 1, (a, b) -> {})) refused.incrementAndGet(s);
            });
            assertCovered(refused, "nested team.run returned false");
        } finally {
            team.stop();
        }
        AtomicIntegerArray seen = new AtomicIntegerArray(8 * 50);
        Parallel.forChunks(8, 1, (s, e) -> Parallel.forChunks(50, 7, (a, b) -> {
            for (int i = a; i < b; i++) seen.incrementAndGet(s * 50 + i);
        }));
        assertCovered(seen, "nested forChunks");
    }

    @Test
    void forChunksInsideAChunkOfATeamLoopRunsInlineOnThatChunksThread() {
        java.util.concurrent.atomic.AtomicInteger elsewhere = new java.util.concurrent.atomic.AtomicInteger(), inner = new java.util.concurrent.atomic.AtomicInteger();
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(2); // the outer loop goes to the team whatever this machine's core count
            Parallel.forChunks(8, 1, (s, e) -> {
                Thread mine = Thread.currentThread();
                Parallel.forChunks(64, 1, (a, b) -> {
                    inner.addAndGet(b - a);
                    if (Thread.currentThread() != mine) elsewhere.incrementAndGet();
                });
            });
        } finally {
            Parallel.setThreads(threads);
        }
        assertEquals(8 * 64, inner.get(), "inner indices run");
        assertEquals(0, elsewhere.get(), "inner chunks run on another thread than their outer chunk's");
    }

    @Test
    void concurrentCallersEitherGetTheWholeTeamOrAreToldToGoElsewhere() throws InterruptedException {
        Team team = new Team(3);
        int callers = 4, n = 300, rounds = 200;
        AtomicIntegerArray[] seen = new AtomicIntegerArray[callers];
        Thread[] t = new Thread[callers];
        try {
            for (int c = 0; c < callers; c++) {
                AtomicIntegerArray mine = seen[c] = new AtomicIntegerArray(n);
                t[c] = new Thread(() -> {
                    for (int round = 0; round < rounds; round++) {
                        Parallel.RangeBody body = (s, e) -> {
                            for (int i = s; i < e; i++) mine.incrementAndGet(i);
                        };
                        if (!team.run(n, 3, body)) body.run(0, n);
                    }
                });
                t[c].start();
            }
            for (Thread x : t) x.join();
        } finally {
            team.stop();
        }
        for (int c = 0; c < callers; c++) for (int i = 0; i < n; i++) assertEquals(rounds, seen[c].get(i), "caller " + c + ", index " + i);
    }

    /** forRange's chunks through the team: the same ranges as through the pool, each index once, nested loops inline. */
    @ParameterizedTest
    @CsvSource({"2, 1", "7, 1", "100, 16", "1001, 3", "4096, 64"})
    void forRangeOnTheTeamGivesThePoolsRangesAndNestedLoopsRunInline(int n, int grain) {
        int before = Parallel.threads();
        boolean was = Parallel.teamRanges();
        try {
            Parallel.setThreads(3);
            java.util.Set<String> pool = java.util.concurrent.ConcurrentHashMap.newKeySet(), team = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Parallel.setTeamRanges(false);
            Parallel.forRange(n, grain, (s, e) -> pool.add(s + ".." + e));
            Parallel.setTeamRanges(true);
            for (int round = 0; round < 20; round++) {
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                Parallel.forRange(n, grain, (s, e) -> {
                    team.add(s + ".." + e);
                    String outer = Thread.currentThread().getName();
                    Parallel.forRange(4, 1, (s2, e2) -> assertEquals(outer, Thread.currentThread().getName(), "a nested range loop left its thread"));
                    for (int i = s; i < e; i++) seen.incrementAndGet(i);
                });
                assertCovered(seen, "round " + round);
            }
            assertEquals(pool, team, "ranges through the pool and through the team");
        } finally {
            Parallel.setTeamRanges(was);
            Parallel.setThreads(before);
        }
    }

    @Test
    void forChunksWithMoreThreadsThanCoresCoversEveryIndexOnce() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(5);
            for (int round = 0; round < 100; round++) {
                AtomicIntegerArray seen = new AtomicIntegerArray(1000);
                Parallel.forChunks(1000, 9, (s, e) -> {
                    for (int i = s; i < e; i++) seen.incrementAndGet(i);
                });
                assertCovered(seen, "5 threads, round " + round);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
