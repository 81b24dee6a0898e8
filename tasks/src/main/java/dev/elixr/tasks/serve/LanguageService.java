package dev.elixr.tasks.serve;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.data.CxrImageFile;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.language.Assistant;
import dev.elixr.tasks.language.ElixrB2Run;
import dev.elixr.tensor.Tensor;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The ELIXR-B stage-2 uses behind {@code /v1/ask}, {@code /v1/describe} and {@code /v1/check-report} (Xu et al. 2023,
 * §2.5): an uploaded image through the stage-1 run's own preprocessing and frozen image tower (its spatial tokens, as
 * {@link ElixrB2Run#towerTokens} makes them from a file), then {@link Assistant}'s greedy generation. The LLM and its
 * KV cache serve one generation at a time: calls wait in a bounded queue for the one generating thread, and a full
 * queue refuses at once ({@link MicroBatcher.QueueFull}, a 429). {@link #close} finishes the queued calls.
 */
final class LanguageService implements AutoCloseable {
    private final ElixrB2Run run;
    private final Assistant assistant;
    private final ThreadPoolExecutor worker;

    LanguageService(ElixrB2Run run, int capacity) {
        this.run = run;
        this.assistant = new Assistant(run);
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity),
                r -> Thread.ofPlatform().name("elixr-language").daemon(true).unstarted(r));
    }

    CompletableFuture<Assistant.Reply> ask(GreyImage image, String question, int maxNewTokens) throws MicroBatcher.QueueFull {
        return submit(image, tower -> assistant.ask(tower, question, maxNewTokens, s -> {}));
    }

    CompletableFuture<Assistant.Reply> describe(GreyImage image, int maxNewTokens) throws MicroBatcher.QueueFull {
        return submit(image, tower -> assistant.describe(tower, maxNewTokens, s -> {}));
    }

    CompletableFuture<Assistant.Reply> checkReport(GreyImage image, String report, int maxNewTokens) throws MicroBatcher.QueueFull {
        return submit(image, tower -> assistant.checkReport(tower, report, maxNewTokens, s -> {}));
    }

    /** Calls waiting for the generating thread. */
    int depth() { return worker.getQueue().size(); }

    private CompletableFuture<Assistant.Reply> submit(GreyImage image, Function<Tensor, Assistant.Reply> use) throws MicroBatcher.QueueFull {
        CompletableFuture<Assistant.Reply> out = new CompletableFuture<>();
        try {
            worker.execute(() -> {
                if (out.isDone()) return; // the caller gave up waiting
                try {
                    out.complete(use.apply(tower(image)));
                } catch (RuntimeException | Error e) {
                    out.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new MicroBatcher.QueueFull();
        }
        return out;
    }

    /** The stage-1 image tower's spatial tokens [1,T,C] of a decoded image, preprocessed as the run preprocesses files. */
    private Tensor tower(GreyImage g) {
        var imageRun = run.stage1().imageRun();
        ImagePreprocessing pp = imageRun.model().config().image().preprocessing();
        GreyImage d = CxrImageFile.decoded(g, pp.decode());  // an upload decoded as the run's files were
        float[] prepared = pp.prepare(d.pixels(), d.width(), d.height());
        imageRun.model().eval();
        try (var grad = GradMode.noGrad()) {
            Tensor batch = imageRun.imagePipeline().batch(new float[][] {prepared}, new int[] {0}, null);
            return imageRun.model().imageEncoder().spatialTokens(Var.of(batch)).value().contiguous();
        }
    }

    @Override
    public void close() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(60, TimeUnit.SECONDS);
    }
}
