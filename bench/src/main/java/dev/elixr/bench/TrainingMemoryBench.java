package dev.elixr.bench;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.autograd.optim.ParamGroup;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.tasks.train.ElixrCTrainingJob;
import dev.elixr.tasks.train.MemoryPlan;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.cpu.MachineProfile;
import dev.elixr.tensor.random.SplitMix64;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code elixr bench memory}: one ELIXR-C training configuration (the image tower as {@code train elixr-c} builds it, the
 * default small text tower, AdamW) run for a few steps on random pixels and reports, with this process's peak resident
 * set ({@code VmHWM} of /proc/self/status, so one configuration per JVM) and images per second over the steps after
 * the first (of the only step when there is one: AdamW allocates its moments up front, so the first step already holds
 * what later ones do), beside {@link MemoryPlan}'s estimate for the same batch. Peak RSS includes the JVM itself, the JIT, and
 * whatever garbage the collector let accumulate up to -Xmx, so it bounds the heap's need from above where the plan
 * bounds it from below.
 */
public final class TrainingMemoryBench {
    private TrainingMemoryBench() {}

    /** encoder: a {@code --image-encoder} value (vit-16-12-12 with width 768 is ViT-B/16; efficientnet-b0); width 0: its default. */
    public record Options(String encoder, int width, int size, int batch, boolean checkpoint, int steps, long seed) {
        public Options {
            if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
            if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        }
    }

    /**
     * cpuSecondsPerImage: this process's CPU time (all threads) per image over the timed steps, less disturbed by other
     * work; peakLiveHeapBytes: the most heap any garbage collection during the steps left in use: live data, plus the
     * old generation's garbage that a young collection does not look at, so it lies between the steps' live need and
     * the heap the collector grew (peak RSS holds that heap and the JVM itself).
     */
    public record Row(String encoder, int size, int batch, boolean checkpoint, long peakRssBytes, long peakLiveHeapBytes, long planBytes,
                      double imagesPerSecond, double secondsPerStep, double cpuSecondsPerImage, long maxHeapBytes, String isa) {
        public String json() {
            return String.format(Locale.ROOT, "{\"encoder\":\"%s\",\"size\":%d,\"batch\":%d,\"checkpoint\":%b,\"peak_rss_bytes\":%d,"
                            + "\"peak_live_heap_bytes\":%d,\"plan_bytes\":%d,\"images_per_second\":%.4f,\"seconds_per_step\":%.3f,"
                            + "\"cpu_seconds_per_image\":%.3f,\"max_heap_bytes\":%d,\"isa\":\"%s\"}",
                    encoder, size, batch, checkpoint, peakRssBytes, peakLiveHeapBytes, planBytes, imagesPerSecond, secondsPerStep,
                    cpuSecondsPerImage, maxHeapBytes, isa);
        }
    }

    /** The largest heap use left after any collection, young or full, since {@link #start} (GC notifications). */
    static final class LiveHeap implements javax.management.NotificationListener {
        final java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();

        LiveHeap start() {
            for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans())
                if (gc instanceof javax.management.NotificationEmitter e) e.addNotificationListener(this, null, null);
            return this;
        }

        @Override
        public void handleNotification(javax.management.Notification n, Object handback) {
            if (!n.getType().equals(com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
            var info = com.sun.management.GarbageCollectionNotificationInfo.from((javax.management.openmbean.CompositeData) n.getUserData());
            long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(java.lang.management.MemoryUsage::getUsed).sum();
            peak.accumulateAndGet(used, Math::max);
        }
    }

    public static Row run(Options o) throws IOException {
        int width = o.width() > 0 ? o.width() : ElixrCTrainingJob.defaultModel(o.encoder(), o.size()).image().features();
        ElixrCConfig base = ElixrCTrainingJob.defaultModel(o.encoder(), o.size(), ImagePreprocessing.DISPLAY, width);
        ElixrCConfig cfg = base.withText(base.text().withVocabSize(VOCAB));
        ElixrC model = new ElixrC(cfg, new SplitMix64(o.seed()));
        model.train();
        if (o.checkpoint() && MemoryPlan.checkpointActivations(model, true) == 0)
            throw new IllegalArgumentException("--checkpoint-activations: " + o.encoder() + " has no blocks to checkpoint");
        MemoryPlan plan = MemoryPlan.estimate(model, o.batch(), 1, 0);
        var opt = new AdamW(ParamGroup.decayAndNoDecay(model, 0.1), 1e-4, 0.9, 0.98, 1e-6);
        SplittableRandom r = new SplittableRandom(o.seed());
        Tensor pixels = Tensor.randn(o.seed(), o.batch(), 1, o.size(), o.size());
        TokenBatch text = reports(r, o.batch(), cfg.text().maxTokens());
        double[] seconds = new double[o.steps()];
        LiveHeap live = new LiveHeap().start();
        long cpuAfterFirst = 0;
        int timedFrom = o.steps() > 1 ? 1 : 0;  // one step: timed with its JIT warm-up
        for (int s = 0; s < o.steps(); s++) {
            if (s == timedFrom) cpuAfterFirst = processCpuNanos();
            long t0 = System.nanoTime();
            model.zeroGrad();
            model.loss(Var.of(pixels), text).backward();
            opt.step();
            seconds[s] = (System.nanoTime() - t0) / 1e9;
        }
        double cpu = (processCpuNanos() - cpuAfterFirst) / 1e9 / ((o.steps() - timedFrom) * (double) o.batch());
        double timed = Arrays.stream(seconds, timedFrom, seconds.length).sum() / (seconds.length - timedFrom);
        return new Row(o.encoder() + (o.width() > 0 ? "/" + o.width() : ""), o.size(), o.batch(), o.checkpoint(), peakRss(), live.peak.get(),
                plan.totalBytes(), o.batch() / timed, timed, cpu, Runtime.getRuntime().maxMemory(), MachineProfile.current().isa());
    }

    private static final int VOCAB = 4000;

    /** Reports of the text tower's full length, random word pieces. */
    private static TokenBatch reports(SplittableRandom r, int n, int tokens) {
        List<Encoding> out = new ArrayList<>();
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            int[] ids = new int[tokens], mask = new int[tokens];
            for (int k = 0; k < tokens; k++) { ids[k] = 1 + r.nextInt(VOCAB - 1); mask[k] = 1; }
            out.add(new Encoding(ids, mask, new int[tokens]));
            rows[i] = i;
        }
        return TokenBatch.of(out, rows, 0);
    }

    /** CPU time of every thread of this process (JIT and GC threads included), nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** This process's peak resident set (VmHWM), bytes. */
    static long peakRss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        throw new IOException("/proc/self/status has no VmHWM line (not Linux?)");
    }
}
