package dev.elixr.tasks.serve;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MicroBatcherTest {
    @Test
    void callsWithinTheWindowShareOneForwardPassPerKind() throws Exception {
        FakeEmbedder fake = new FakeEmbedder();
        List<Integer> sizes = new ArrayList<>();
        try (MicroBatcher b = new MicroBatcher(fake, 16, TimeUnit.SECONDS.toNanos(2), 32, sizes::add)) {
            List<CompletableFuture<float[]>> f = new ArrayList<>();
            for (int i = 0; i < 5; i++) f.add(b.text("t" + i));
            for (int i = 0; i < 3; i++) f.add(b.image(new dev.elixr.tasks.data.GreyImage(2, 2, new float[4])));
            for (var x : f) assertArrayEquals(new float[] {1, 0, 0, 0}, x.get(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of(8), sizes);
        assertEquals(List.of(3, 5), fake.calls);
    }

    @Test
    void aBatchNeverExceedsMaxBatchAndCloseRefusesNewCalls() throws Exception {
        FakeEmbedder fake = new FakeEmbedder();
        MicroBatcher b = new MicroBatcher(fake, 16, TimeUnit.SECONDS.toNanos(1), 4, n -> {});
        List<CompletableFuture<float[]>> f = new ArrayList<>();
        for (int i = 0; i < 10; i++) f.add(b.text("t" + i));
        for (var x : f) x.get(30, TimeUnit.SECONDS);
        b.close();
        assertEquals(List.of(4, 4, 2), fake.calls);
        assertThrows(MicroBatcher.QueueFull.class, () -> b.text("late"));
    }
}
