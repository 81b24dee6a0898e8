package dev.elixr.tensor;

import dev.elixr.tensor.ops.MatMul;
import dev.elixr.tensor.ops.Reduce;
import dev.elixr.tensor.ops.Softmax;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Jobs side by side ({@link Parallel#besideOthers}): while two are open a loop runs as one inline call on its caller,
 * with fewer it is split again; closing twice withdraws once; and a product, a softmax and a reduction computed by two
 * jobs at once, each inline, are the same bits as computed alone on two threads.
 */
class ParallelBesideTest {
    /** Body calls of a forRange over 1,000 items on two threads, and whether all ran on the calling thread. */
    private static int calls(boolean[] allOnCaller) {
        AtomicInteger calls = new AtomicInteger();
        Thread caller = Thread.currentThread();
        allOnCaller[0] = true;
        Parallel.forRange(1000, 1, (s, e) -> {
            calls.incrementAndGet();
            if (Thread.currentThread() != caller) allOnCaller[0] = false;
        });
        return calls.get();
    }

    @Test
    void whileTwoJobsAreOpenALoopIsOneInlineCallAndWithOneItIsSplitAgain() {
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            boolean[] onCaller = new boolean[1];
            assertEquals(2, calls(onCaller), "two threads, no job beside: two chunks");
            try (var a = Parallel.besideOthers()) {
                assertEquals(2, calls(onCaller), "one job open: still split");
                try (var b = Parallel.besideOthers()) {
                    assertEquals(2, Parallel.jobsBeside());
                    assertEquals(1, calls(onCaller), "two jobs open: one call");
                    assertEquals(true, onCaller[0], "two jobs open: on the calling thread");
                    AtomicInteger chunks = new AtomicInteger();
                    Parallel.forChunks(1000, 10, (s, e) -> chunks.incrementAndGet());
                    assertEquals(1, chunks.get(), "forChunks with two jobs open: one call over all of it");
                }
                assertEquals(2, calls(onCaller), "back to one job: split again");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void closingAJobTwiceWithdrawsItOnce() {
        int open = Parallel.jobsBeside();
        var a = Parallel.besideOthers();
        var b = Parallel.besideOthers();
        a.close();
        a.close();
        assertEquals(open + 1, Parallel.jobsBeside());
        b.close();
        assertEquals(open, Parallel.jobsBeside());
    }

    private static float[][] work(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[197 * 256], b = new float[256 * 384];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        Tensor c = MatMul.matmul(Tensor.of(a, 197, 256), Tensor.of(b, 256, 384));
        return new float[][] {c.toFloatArray(), Softmax.softmax(c, -1).toFloatArray(), Reduce.sum(c, false, 0).toFloatArray()};
    }

    @Test
    void twoJobsAtOnceEachInlineGetTheSameBitsAsTwoThreadsAlone() throws Exception {
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            float[][] alone1 = work(1), alone2 = work(2);
            float[][][] beside = new float[2][][];
            try (var main = Parallel.besideOthers(); var other = Parallel.besideOthers()) {
                CompletableFuture<float[][]> f = CompletableFuture.supplyAsync(() -> work(2), r -> Thread.ofPlatform().start(r));
                beside[0] = work(1);
                beside[1] = f.get();
            }
            for (int i = 0; i < alone1.length; i++) {
                assertArrayEquals(alone1[i], beside[0][i], "result " + i + " of job 1");
                assertArrayEquals(alone2[i], beside[1][i], "result " + i + " of job 2");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
