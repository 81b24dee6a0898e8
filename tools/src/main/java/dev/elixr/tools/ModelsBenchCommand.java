package dev.elixr.tools;

import dev.elixr.bench.ModelsComparison;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

/** {@code elixr bench models}: ViT-B/16, BERT-base and EfficientNet-B0 forward times beside PyTorch's. */
@Command(name = "models", description = "Median forward time of ViT-B/16, BERT-base and EfficientNet-B0 beside PyTorch's "
        + "(pinned to the same number of threads), with MFU.")
final class ModelsBenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--models", split = ",", description = "subset of vit-b16, bert-base, efficientnet-b0")
    List<String> models = ModelsComparison.MODELS;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed passes first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--iters", defaultValue = "10", description = "timed passes (default ${DEFAULT-VALUE})")
    int iters;

    @Option(names = "--rounds", defaultValue = "1", description = "alternations of ours and PyTorch (each round: every model ours, then PyTorch's in a fresh process); times are medians over rounds, each round's ratio printed beside (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--no-torch", description = "skip the PyTorch comparison")
    boolean noTorch;

    @Mixin DeviceOption device = new DeviceOption();

    @Option(names = "--json", description = "one JSON object per line: model, ms, torch_ms, gflop, mfu, threads, torch_threads, round_ratios")
    boolean json;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        var rows = ModelsComparison.run(models, warmup, iters, !noTorch, device.open(), rounds);
        if (json) rows.forEach(r -> out.println(r.json()));
        else out.print(ModelsComparison.table(rows));
        out.flush();
    }
}
