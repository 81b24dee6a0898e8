package dev.elixr.spark;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.tasks.data.ImagePipeline;
import dev.elixr.tasks.train.ElixrBRun;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The model of a run, loaded once per JVM (per Spark executor) on first use and shared by every task the executor
 * runs. Tasks decode and preprocess their images concurrently; forward passes are serialised (one at a time per
 * executor), each using all of the executor's cores through the kernels' own parallelism.
 */
final class ExecutorModel {
    private static final ConcurrentHashMap<String, ExecutorModel> LOADED = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    /** Images per forward pass, as {@link ElixrCRun#embedImages} batches them. */
    static final int FORWARD_BATCH = 64;

    private final ElixrCRun run;

    private ExecutorModel(ElixrCRun run) {
        this.run = run;
        run.model().freeze(); // only embeds: linear layers through packed weights (FrozenWeight)
    }

    /** The run's model in this JVM, loading it on first use. */
    static ExecutorModel of(String runDir) {
        return LOADED.computeIfAbsent(runDir, d -> {
            try {
                LOADS.incrementAndGet();
                long t0 = System.nanoTime();
                ExecutorModel m = new ExecutorModel(load(Path.of(d)));
                System.err.printf(java.util.Locale.ROOT, "elixr: %6.2f s model loaded on this executor (%s)%n", (System.nanoTime() - t0) / 1e9, d);
                return m;
            } catch (IOException e) {
                throw new IllegalStateException("cannot load the run " + d + " on this executor: " + e.getMessage(), e);
            }
        });
    }

    /** An ELIXR-C run; ELIXR-B runs are refused (their images are 32 query vectors, not one, and the index holds one). */
    static ElixrCRun load(Path runDir) throws IOException {
        if (Files.exists(runDir.resolve(ElixrBRun.CONFIG)))
            throw new IllegalArgumentException(runDir + " is an ELIXR-B run: the archive job embeds and indexes with ELIXR-C runs "
                    + "(one vector per image); give its image run (" + ElixrBRun.CONFIG + ": image_run)");
        return ElixrCRun.load(runDir);
    }

    /** How many times this JVM loaded a model (for tests: once per executor). */
    static int loads() { return LOADS.get(); }

    /** The run's own image path (stages 1-2 per image, stage 4 per batch). */
    ImagePipeline pipeline() { return run.imagePipeline(); }

    /** L2-normalised embeddings [n][E] of images preprocessed by {@link #pipeline()} (stages 1-2). */
    float[][] embed(float[][] prepared) {
        float[][] out = new float[prepared.length][];
        ImagePipeline p = pipeline();
        synchronized (this) {
            try (var g = GradMode.noGrad()) {
                for (int s = 0; s < prepared.length; s += FORWARD_BATCH) {
                    int[] rows = java.util.stream.IntStream.range(s, Math.min(prepared.length, s + FORWARD_BATCH)).toArray();
                    Tensor t = run.model().embedImages(Var.of(p.batch(prepared, rows, null))).value().contiguous();
                    int d = t.size(1);
                    float[] flat = t.toFloatArray();
                    for (int i = 0; i < rows.length; i++) out[s + i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
                }
            }
        }
        return out;
    }
}
