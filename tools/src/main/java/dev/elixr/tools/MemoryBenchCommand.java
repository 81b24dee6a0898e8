package dev.elixr.tools;

import dev.elixr.bench.TrainingMemoryBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;

/** {@code elixr bench memory}: peak RSS and images per second of one ELIXR-C training configuration (logic in the bench module). */
@Command(name = "memory", description = "Peak RSS (VmHWM) and img/s of a few ELIXR-C training steps for one image tower, size and batch,"
        + " beside the memory estimate train elixr-c prints. One configuration per process: peak RSS never goes down."
        + " bench/memory-sweep.sh runs the towers and batches of docs/results.md and fits RSS = a + b*batch.")
final class MemoryBenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--image-encoder", required = true, description = "as for train elixr-c: vit-PATCH-LAYERS-HEADS, efficientnet-b0, ...")
    String encoder;

    @Option(names = "--image-width", defaultValue = "0", description = "ViT hidden size (768 with vit-16-12-12 is ViT-B/16); 0: the default")
    int width;

    @Option(names = "--image-size", required = true, description = "input side in pixels") int size;

    @Option(names = "--batch", required = true, description = "images (and reports) per step") int batch;

    @Option(names = "--checkpoint-activations", description = "recompute each ViT / MBConv block in the backward") boolean checkpoint;

    @Option(names = "--steps", defaultValue = "3", description = "training steps; the first is not timed unless it is the only one (AdamW's moments exist from the start,"
            + " so one step finds the memory edge; default ${DEFAULT-VALUE})") int steps;

    @Option(names = "--seed", defaultValue = "1") long seed;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            out.println(TrainingMemoryBench.run(new TrainingMemoryBench.Options(encoder, width, size, batch, checkpoint, steps, seed)).json());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out.flush();
    }
}
