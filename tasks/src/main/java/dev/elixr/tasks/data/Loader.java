package dev.elixr.tasks.data;

import dev.elixr.tensor.Tensor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches of images and labels for training and evaluation: a background thread decodes and preprocesses the next
 * batches while the caller works on the current one. Shuffling and augmentations are seeded by (seed, epoch,
 * position), so an epoch is the same on every run. A bad image (missing, truncated, not an image) is reported,
 * counted and skipped; one bad file never ends a long run.
 */
public final class Loader {

    /**
     * @param batchSize images per batch
     * @param height    output height
     * @param width     output width
     * @param shuffle   shuffle each epoch (seeded)
     * @param seed      seed for shuffling and augmentations
     * @param augment   apply training augmentations (off for evaluation)
     * @param dropLast  drop a last batch smaller than batchSize
     * @param prefetch  batches prepared ahead (>= 1)
     * @param mean      standardisation mean after the [0, 1] stretch
     * @param std       standardisation std
     */
    public record Options(int batchSize, int height, int width, boolean shuffle, long seed, boolean augment, boolean dropLast,
                          int prefetch, float mean, float std) {
        public Options {
            if (batchSize <= 0 || height <= 0 || width <= 0 || prefetch <= 0 || !(std > 0)) {
                throw new IllegalArgumentException("Loader.Options: batch " + batchSize + ", size " + height + "x" + width
                        + ", prefetch " + prefetch + ", std " + std + " must all be > 0");
            }
        }

        /** Evaluation: no shuffling, no augmentation, keep the last batch, mean 0.5, std 0.25. */
        public static Options eval(int batchSize, int size) { return new Options(batchSize, size, size, false, 0, false, false, 2, 0.5f, 0.25f); }

        /** Training: seeded shuffling and augmentations, last partial batch dropped. */
        public static Options train(int batchSize, int size, long seed) { return new Options(batchSize, size, size, true, seed, true, true, 2, 0.5f, 0.25f); }
    }

    /** A batch: images [B, 1, H, W], labels [B, 14] (NaN where not mentioned), and the studies they came from. */
    public record Batch(Tensor images, Tensor labels, List<CxrStudy> studies) {
        public int size() { return studies.size(); }
    }

    private final List<CxrStudy> studies;
    private final Options o;
    private final Augmentation augmentation;
    private final PrintStream log;
    private final AtomicInteger bad = new AtomicInteger();
    private final List<String> badMessages = java.util.Collections.synchronizedList(new ArrayList<>());

    public Loader(List<CxrStudy> studies, Options o) { this(studies, o, Augmentation.DEFAULT, System.err); }

    public Loader(List<CxrStudy> studies, Options o, Augmentation augmentation, PrintStream log) {
        this.studies = List.copyOf(studies);
        this.o = o;
        this.augmentation = augmentation;
        this.log = log;
    }

    /** Bad images met so far (over all epochs). */
    public int badImages() { return bad.get(); }

    /** The messages of the bad images met so far. */
    public List<String> badImageMessages() { return List.copyOf(badMessages); }

    /** Number of batches per epoch, assuming no bad images. */
    public int batchesPerEpoch() {
        int n = studies.size();
        return o.dropLast() ? n / o.batchSize() : (n + o.batchSize() - 1) / o.batchSize();
    }

    /** The order of studies in an epoch: a seeded Fisher-Yates shuffle, or the given order. */
    public int[] order(int epoch) {
        int[] idx = new int[studies.size()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        if (o.shuffle()) {
            SplittableRandom r = new SplittableRandom(mix(o.seed(), epoch));
            for (int i = idx.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1), t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
        return idx;
    }

    static long mix(long seed, long i) {
        long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Decodes and preprocesses one study's image to the output size; deterministic for (epoch, position). */
    public float[] image(CxrStudy s, int epoch, int position) throws ImageReadException {
        GreyImage g = CxrImageCodec.read(s.image());
        SplittableRandom r = new SplittableRandom(mix(mix(o.seed(), epoch), position));
        GreyImage sized = o.augment() ? augmentation.crop(g, o.width(), o.height(), r) : Preprocess.resize(g, o.width(), o.height());
        float[] px = Preprocess.stretch(sized.pixels());
        if (o.augment()) augmentation.jitter(px, o.width(), o.height(), r);
        Preprocess.standardise(px, o.mean(), o.std());
        return px;
    }

    /** The batches of one epoch, prepared on a background thread; close it to stop early. */
    public Epoch epoch(int epoch) { return new Epoch(epoch); }

    /** An epoch's batches. Iterating rethrows any unexpected error of the background thread. */
    public final class Epoch implements Iterator<Batch>, Iterable<Batch>, AutoCloseable {
        private static final Batch END = new Batch(Tensor.zeros(0), Tensor.zeros(0), List.of());
        private final BlockingQueue<Object> queue;
        private final Thread worker;
        private volatile boolean closed;
        private Object next;

        private Epoch(int epoch) {
            queue = new ArrayBlockingQueue<>(o.prefetch() + 1);
            int[] order = order(epoch);
            worker = Thread.ofPlatform().daemon().name("loader-epoch-" + epoch).start(() -> produce(epoch, order));
        }

        private void produce(int epoch, int[] order) {
            try {
                int hw = o.height() * o.width(), nl = CheXpertLabel.values().length;
                int pos = 0;
                while (pos < order.length && !closed) {
                    List<CxrStudy> batch = new ArrayList<>();
                    List<float[]> pixels = new ArrayList<>();
                    while (batch.size() < o.batchSize() && pos < order.length && !closed) {
                        CxrStudy s = studies.get(order[pos]);
                        try {
                            pixels.add(image(s, epoch, pos));
                            batch.add(s);
                        } catch (ImageReadException e) {
                            if (closed) break;
                            int n = bad.incrementAndGet();
                            badMessages.add(e.getMessage());
                            log.println("loader: skipping bad image (" + n + " so far): " + e.getMessage());
                        }
                        pos++;
                    }
                    if (batch.isEmpty() || (o.dropLast() && batch.size() < o.batchSize())) break;
                    int b = batch.size();
                    float[] img = new float[b * hw], lab = new float[b * nl];
                    for (int i = 0; i < b; i++) {
                        System.arraycopy(pixels.get(i), 0, img, i * hw, hw);
                        System.arraycopy(batch.get(i).labels(), 0, lab, i * nl, nl);
                    }
                    put(new Batch(Tensor.wrap(img, b, 1, o.height(), o.width()), Tensor.wrap(lab, b, nl), List.copyOf(batch)));
                }
                put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                try { put(e); } catch (InterruptedException ignored) { Thread.currentThread().interrupt(); }
            }
        }

        private void put(Object x) throws InterruptedException {
            while (!closed && !queue.offer(x, 100, TimeUnit.MILLISECONDS)) { /* wait for the consumer */ }
        }

        @Override public Iterator<Batch> iterator() { return this; }

        @Override
        public boolean hasNext() {
            if (next == null) {
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a batch", e);
                }
            }
            if (next instanceof RuntimeException e) throw e;
            if (next instanceof Error e) throw e;
            return next != END;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("epoch finished");
            Batch b = (Batch) next;
            next = null;
            return b;
        }

        @Override
        public void close() {
            closed = true;
            worker.interrupt();
            try {
                worker.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
