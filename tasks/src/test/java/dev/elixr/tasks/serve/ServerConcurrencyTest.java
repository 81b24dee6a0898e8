package dev.elixr.tasks.serve;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Micro-batching, back-pressure and graceful shutdown of the real server, with a model whose calls the test holds. */
class ServerConcurrencyTest {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    static ElixrServer start(FakeEmbedder fake, int queue, Duration window) throws Exception {
        return ElixrServer.start(fake, null, ServeConfig.defaults(0).withBatching(queue, window, 32), 0, QUIET);
    }

    static CompletableFuture<Http.Answer> embedText(Http http, String text) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return http.postJson("/v1/embed", "{\"text\": \"" + text + "\"}");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    static void awaitDepth(ElixrServer s, Http http, int depth) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (http.get("/health").json().get("queue_depth").asInt() < depth) {
            assertTrue(System.nanoTime() < end, "queue never reached " + depth);
            Thread.sleep(5);
        }
    }

    @Test
    void requestsThatArriveWhileTheModelIsBusyShareTheNextForwardPass() throws Exception {
        FakeEmbedder fake = new FakeEmbedder();
        fake.gate = new CountDownLatch(1);
        try (ElixrServer s = start(fake, 64, Duration.ofMillis(5))) {
            Http http = new Http(s, null);
            var first = embedText(http, "first");
            assertTrue(fake.entered.tryAcquire(30, TimeUnit.SECONDS));
            List<CompletableFuture<Http.Answer>> rest = new ArrayList<>();
            for (int i = 0; i < 7; i++) rest.add(embedText(http, "t" + i));
            awaitDepth(s, http, 7);
            fake.gate.countDown();
            assertEquals(200, first.get().status());
            for (var r : rest) assertEquals(200, r.get().status());
            assertEquals(List.of(1, 7), fake.calls);
            assertTrue(http.get("/metrics").body().contains("elixr_model_batch_size_bucket{le=\"8\"} 2"));
        }
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAndTheQueuedRequestsStillSucceed() throws Exception {
        FakeEmbedder fake = new FakeEmbedder();
        fake.gate = new CountDownLatch(1);
        try (ElixrServer s = start(fake, 2, Duration.ofMillis(1))) {
            Http http = new Http(s, null);
            var first = embedText(http, "first");
            assertTrue(fake.entered.tryAcquire(30, TimeUnit.SECONDS));
            var q1 = embedText(http, "q1");
            var q2 = embedText(http, "q2");
            awaitDepth(s, http, 2);
            var refused = http.postJson("/v1/embed", "{\"text\": \"one too many\"}");
            Http.assertClientError(refused, 429, "busy");
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
            fake.gate.countDown();
            for (var r : List.of(first, q1, q2)) assertEquals(200, r.get().status());
        }
    }

    @Test
    void shutdownFinishesTheInFlightRequestAndThenStopsListening() throws Exception {
        FakeEmbedder fake = new FakeEmbedder();
        fake.gate = new CountDownLatch(1);
        ElixrServer s = start(fake, 8, Duration.ofMillis(1));
        Http http = new Http(s, null);
        var inFlight = embedText(http, "slow");
        assertTrue(fake.entered.tryAcquire(30, TimeUnit.SECONDS));
        var stopping = CompletableFuture.runAsync(() -> {
            try {
                s.shutdown(30);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(200);
        assertTrue(!stopping.isDone(), "shutdown returned while a request was in flight");
        fake.gate.countDown();
        assertEquals(200, inFlight.get(30, TimeUnit.SECONDS).status());
        stopping.get(30, TimeUnit.SECONDS);
        Exception e = assertThrows(Exception.class, () -> new Http(s, null).get("/health"));
        assertTrue(e instanceof ConnectException || e.getCause() instanceof ConnectException || e instanceof java.io.IOException, e.toString());
    }
}
