package dev.elixr.tasks.serve;

import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.index.Embedder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Dynamic micro-batching of model calls (as inference servers batch): requests wait in a bounded queue; one model
 * thread takes the first, adds every call already waiting (up to {@code maxBatch}), and, only when that first call
 * found the thread idle, keeps collecting for up to {@code window}; it embeds the images of the batch in one forward
 * pass and its texts in another. Under a backlog the thread never waits: the calls that queued during one forward pass
 * make the next batch (a window there would only idle the bottleneck, measured in docs/results.md). The single thread also serialises every use of the (not thread-safe)
 * {@link Embedder}. A full queue refuses at once ({@link QueueFull}), so that overload becomes 429s instead of
 * unbounded memory. {@link #close} finishes every queued call before the thread ends.
 */
final class MicroBatcher implements AutoCloseable {
    /** The queue is full: the caller should answer 429 with Retry-After. */
    static final class QueueFull extends Exception {
        QueueFull() { super("model queue full", null, false, false); }
    }

    /** What the model thread did: the calls of each batch, and each forward pass's kind, size, duration and CPU time. */
    interface Observer {
        Observer NONE = new Observer() {};

        default void batch(int calls, long collectNanos) {}

        /** nanos: wall clock; cpuNanos: the model thread's own CPU time (not the kernel pool's). */
        default void forward(String kind, int items, long nanos, long cpuNanos) {}
    }

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private sealed interface Job permits ImageJob, TextJob {}
    private record ImageJob(GreyImage image, CompletableFuture<float[]> out) implements Job {}
    private record TextJob(String text, CompletableFuture<float[]> out) implements Job {}

    private final Embedder embedder;
    private final BlockingQueue<Job> queue;
    private final long windowNanos;
    private final int maxBatch;
    private final Observer observer;
    private final Thread worker;
    private volatile boolean closing;

    MicroBatcher(Embedder embedder, int capacity, long windowNanos, int maxBatch, Observer observer) {
        this.embedder = embedder;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.windowNanos = windowNanos;
        this.maxBatch = maxBatch;
        this.observer = observer;
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
        boolean justRan = false; // a backlog is a call that waited while the previous batch ran, not one found between idle polls
        while (true) {
            try {
                Job first = justRan ? queue.poll() : null;
                boolean backlog = first != null;
                justRan = false;
                if (first == null) first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) return;
                    continue;
                }
                long t0 = System.nanoTime();
                batch.add(first);
                collect(batch, backlog ? t0 : t0 + windowNanos);
                observer.batch(batch.size(), System.nanoTime() - t0);
                run(batch);
                justRan = true;
            } catch (InterruptedException e) {
                if (closing && queue.isEmpty()) return;
            } finally {
                batch.clear();
            }
        }
    }

    /** Adds the calls already waiting, then those that arrive before {@code deadline}, up to {@link #maxBatch}. */
    private void collect(List<Job> batch, long deadline) throws InterruptedException {
        queue.drainTo(batch, maxBatch - batch.size());
        while (batch.size() < maxBatch) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            Job next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) return;
            batch.add(next);
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }

    private void run(List<Job> batch) {
        List<ImageJob> images = new ArrayList<>();
        List<TextJob> texts = new ArrayList<>();
        for (Job j : batch) {
            if (j instanceof ImageJob i) images.add(i);
            else if (j instanceof TextJob t) texts.add(t);
        }
        if (!images.isEmpty()) {
            long t0 = System.nanoTime(), c0 = CPU.getCurrentThreadCpuTime();
            try {
                float[][] v = embedder.embedImages(images.stream().map(ImageJob::image).toList());
                for (int i = 0; i < images.size(); i++) images.get(i).out().complete(v[i]);
            } catch (RuntimeException | Error e) {
                images.forEach(j -> j.out().completeExceptionally(e));
            }
            observer.forward("image", images.size(), System.nanoTime() - t0, CPU.getCurrentThreadCpuTime() - c0);
        }
        if (!texts.isEmpty()) {
            long t0 = System.nanoTime(), c0 = CPU.getCurrentThreadCpuTime();
            try {
                float[][] v = embedder.embedTexts(texts.stream().map(TextJob::text).toList());
                for (int i = 0; i < texts.size(); i++) texts.get(i).out().complete(v[i]);
            } catch (RuntimeException | Error e) {
                texts.forEach(j -> j.out().completeExceptionally(e));
            }
            observer.forward("text", texts.size(), System.nanoTime() - t0, CPU.getCurrentThreadCpuTime() - c0);
        }
    }

    /** Refuses new calls, finishes the queued ones, and ends the model thread. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        worker.join();
    }
}
