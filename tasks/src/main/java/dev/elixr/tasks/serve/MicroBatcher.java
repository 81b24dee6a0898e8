package dev.elixr.tasks.serve;

import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.index.Embedder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Dynamic micro-batching of model calls (as inference servers batch): requests wait in a bounded queue; one model
 * thread takes the first, keeps collecting for up to {@code window} (or until {@code maxBatch}), then embeds the images
 * of the batch in one forward pass and its texts in another. The single thread also serialises every use of the
 * (not thread-safe) {@link Embedder}. A full queue refuses at once ({@link QueueFull}), so that overload becomes 429s
 * instead of unbounded memory. {@link #close} finishes every queued call before the thread ends.
 */
final class MicroBatcher implements AutoCloseable {
    /** The queue is full: the caller should answer 429 with Retry-After. */
    static final class QueueFull extends Exception {
        QueueFull() { super("model queue full", null, false, false); }
    }

    private sealed interface Job permits ImageJob, TextJob {}
    private record ImageJob(GreyImage image, CompletableFuture<float[]> out) implements Job {}
    private record TextJob(String text, CompletableFuture<float[]> out) implements Job {}

    private final Embedder embedder;
    private final BlockingQueue<Job> queue;
    private final long windowNanos;
    private final int maxBatch;
    private final IntConsumer batchSizes;
    private final Thread worker;
    private volatile boolean closing;

    MicroBatcher(Embedder embedder, int capacity, long windowNanos, int maxBatch, IntConsumer batchSizes) {
        this.embedder = embedder;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.windowNanos = windowNanos;
        this.maxBatch = maxBatch;
        this.batchSizes = batchSizes;
        this.worker = Thread.ofPlatform().name("elixr-model").daemon(true).start(this::loop);
    }

    CompletableFuture<float[]> image(GreyImage img) throws QueueFull {
        CompletableFuture<float[]> f = new CompletableFuture<>();
        offer(new ImageJob(img, f));
        return f;
    }

    CompletableFuture<float[]> text(String text) throws QueueFull {
        CompletableFuture<float[]> f = new CompletableFuture<>();
        offer(new TextJob(text, f));
        return f;
    }

    private void offer(Job j) throws QueueFull {
        if (closing || !queue.offer(j)) throw new QueueFull();
    }

    /** Calls waiting for the model thread. */
    int depth() { return queue.size(); }

    private void loop() {
        List<Job> batch = new ArrayList<>();
        while (true) {
            try {
                Job first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) return;
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + windowNanos;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Job next = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) break;
                    batch.add(next);
                }
                run(batch);
            } catch (InterruptedException e) {
                if (closing && queue.isEmpty()) return;
            } finally {
                batch.clear();
            }
        }
    }

    private void run(List<Job> batch) {
        batchSizes.accept(batch.size());
        List<ImageJob> images = new ArrayList<>();
        List<TextJob> texts = new ArrayList<>();
        for (Job j : batch) {
            if (j instanceof ImageJob i) images.add(i);
            else if (j instanceof TextJob t) texts.add(t);
        }
        if (!images.isEmpty()) {
            try {
                float[][] v = embedder.embedImages(images.stream().map(ImageJob::image).toList());
                for (int i = 0; i < images.size(); i++) images.get(i).out().complete(v[i]);
            } catch (RuntimeException | Error e) {
                images.forEach(j -> j.out().completeExceptionally(e));
            }
        }
        if (!texts.isEmpty()) {
            try {
                float[][] v = embedder.embedTexts(texts.stream().map(TextJob::text).toList());
                for (int i = 0; i < texts.size(); i++) texts.get(i).out().complete(v[i]);
            } catch (RuntimeException | Error e) {
                texts.forEach(j -> j.out().completeExceptionally(e));
            }
        }
    }

    /** Refuses new calls, finishes the queued ones, and ends the model thread. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        worker.join();
    }
}
