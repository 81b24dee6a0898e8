package dev.elixr.tools;

import dev.elixr.bench.TrainStepComparison;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code elixr bench train}: the demo's ELIXR-C training step beside the same model's in PyTorch. */
@Command(name = "train", description = "img/s of one ELIXR-C training step of elixr demo (conv tower, small BERT, CLIP loss, "
        + "clipping, AdamW) on synthetic inputs, beside the same model in PyTorch.")
final class TrainBenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--batch", defaultValue = "32", description = "image-report pairs per step (default ${DEFAULT-VALUE}, the demo's)")
    int batch;

    @Option(names = "--size", defaultValue = "96", description = "image side in pixels (default ${DEFAULT-VALUE}, the demo's)")
    int size;

    @Option(names = "--tokens", defaultValue = "64", description = "text length in tokens, padding included (default ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--vocab", defaultValue = "" + TrainStepComparison.DEMO_VOCAB,
            description = "text vocabulary (default ${DEFAULT-VALUE}, the demo's)")
    int vocab;

    @Option(names = "--warmup", defaultValue = "10", description = "seconds of untimed steps first (default ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--steps", defaultValue = "10", description = "timed steps, each side (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--no-torch", description = "skip the PyTorch comparison")
    boolean noTorch;

    @Option(names = "--json", description = "one JSON object instead of the table")
    boolean json;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        var r = TrainStepComparison.run(new TrainStepComparison.Options(batch, size, tokens, vocab, warmup, steps, !noTorch));
        out.print(json ? r.json() + "\n" : r.table());
        out.flush();
    }
}
