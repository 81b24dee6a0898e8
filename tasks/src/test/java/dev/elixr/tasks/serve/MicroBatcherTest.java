package dev.elixr.tasks.serve;

import dev.elixr.tasks.data.GreyImage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MicroBatcherTest {
    /** Records batch sizes and forward passes as "kind:items". */
    static final class Recorder implements MicroBatcher.Observer {
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        final List<String> forwards = new CopyOnWriteArrayList<>();

        @Override public void batch(int calls, long collectNanos) { batches.add(calls); }

        @Override public void forward(String kind, int items, long nanos, long cpuNanos) { forwards.add(kind + ":" + items); }
    }

    @Test
    void callsWithinTheWindowShareOneForwardPassPerKind() throws Exception {
        FakeEmbedder fake = new FakeEmbedder();
        Recorder rec = new Recorder();
        try (MicroBatcher b = new MicroBatcher(fake, 16, TimeUnit.SECONDS.toNanos(2), 32, rec)) {
            List<CompletableFuture<float[]>> f = new ArrayList<>();
            for (int i = 0; i < 5; i++) f.add(b.text("t" + i));
            for (int i = 0; i < 3; i++) f.add(b.image(new GreyImage(2, 2, new float[4])));
            for (var x : f) assertArrayEquals(new float[] {1, 0, 0, 0}, x.get(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of(8), rec.batches);
        assertEquals(List.of(3, 5), fake.calls);
        assertEquals(List.of("image:3", "text:5"), rec.forwards);
    }

    @Test
    void withoutAWindowTheCallsQueuedDuringAForwardPassShareTheNextOne() throws Exception {
        FakeEmbedder fake = new FakeEmbedder();
        fake.gate = new CountDownLatch(1);
        Recorder rec = new Recorder();
        try (MicroBatcher b = new MicroBatcher(fake, 16, 0, 32, rec)) {
            List<CompletableFuture<float[]>> f = new ArrayList<>();
            f.add(b.text("first"));
            assertTrue(fake.entered.tryAcquire(30, TimeUnit.SECONDS));
            for (int i = 0; i < 6; i++) f.add(b.text("t" + i));
            assertEquals(6, b.depth());
            fake.gate.countDown();
            for (var x : f) x.get(30, TimeUnit.SECONDS);
        }
        assertEquals(List.of(1, 6), rec.batches);
        assertEquals(List.of(1, 6), fake.calls);
    }

    @Test
    void underABacklogTheWindowIsNotWaited() throws Exception {
        FakeEmbedder fake = new FakeEmbedder();
        fake.gate = new CountDownLatch(1);
        try (MicroBatcher b = new MicroBatcher(fake, 16, TimeUnit.SECONDS.toNanos(3600), 2, MicroBatcher.Observer.NONE)) {
            List<CompletableFuture<float[]>> f = new ArrayList<>();
            f.add(b.text("a"));
            f.add(b.text("b")); // fills the first batch: it runs at once
            assertTrue(fake.entered.tryAcquire(30, TimeUnit.SECONDS));
            for (int i = 0; i < 3; i++) f.add(b.text("t" + i));
            assertEquals(3, b.depth());
            fake.gate.countDown();
            for (var x : f) x.get(30, TimeUnit.SECONDS); // the last, lone call would wait out an hour's window from idle
            assertEquals(List.of(2, 2, 1), fake.calls);
        }
    }

    @Test
    void aBatchNeverExceedsMaxBatchAndCloseRefusesNewCalls() throws Exception {
        FakeEmbedder fake = new FakeEmbedder();
        fake.gate = new CountDownLatch(1); // the first batch holds the model until all ten calls are queued
        MicroBatcher b = new MicroBatcher(fake, 16, TimeUnit.SECONDS.toNanos(1), 4, MicroBatcher.Observer.NONE);
        List<CompletableFuture<float[]>> f = new ArrayList<>();
        for (int i = 0; i < 10; i++) f.add(b.text("t" + i));
        fake.gate.countDown();
        for (var x : f) x.get(30, TimeUnit.SECONDS);
        b.close();
        assertEquals(List.of(4, 4, 2), fake.calls);
        assertThrows(MicroBatcher.QueueFull.class, () -> b.text("late"));
    }
}
