package dev.elixr.tools;

import dev.elixr.bench.LlmBench;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.matvec.BlockFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** {@code elixr bench llm}: prefill and decode tokens/s of a Llama-family model beside the memory-bandwidth bound and llama.cpp. */
@Command(name = "llm", description = {
        "Without --model: random weights (by default a 336M-parameter Llama: hidden 1024, 24 layers, GQA 16/4, vocab 32000) "
                + "timed in BF16, then written as a Q8_0 GGUF file, read back and timed again, and llama.cpp run on that same file "
                + "(through Node and npm's node-llama-cpp, when --llama-cpp or ELIXR_NODE_LLAMA_CPP names its folder).",
        "Prints the memory bandwidth measured beside each round, bytes read per token, decode tokens/s as %% of the bound they set, "
                + "prefill tokens/s and GFLOP/s as %% of the GEMM rate at the model's width, and llama.cpp's rates. Medians over rounds. "
                + "llama.cpp's threads spin while they wait for each other: on cores shared with other work give it --threads 1.",
        "With ELIXR_JAVA_OPTS=\"-Delixr.llm.profile=true -Delixr.parallel.stats=true\": the last round's decoding steps broken down "
                + "per operation (µs per step: projections, attention, norms, LM head, …) and the parallel hand-offs per step, on standard error."})
final class LlmBenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", description = "model folder (config.json, model.safetensors) or a llama GGUF file; default: random weights")
    Path model;

    @Option(names = "--layers", description = "layers of the random model (default 24)")
    Integer layers;

    @Option(names = "--hidden", description = "hidden size of the random model (default 1024; e.g. 2048 with --intermediate 5632 --heads 32 --layers 22: TinyLlama-1.1B's shape)")
    Integer hidden;

    @Option(names = "--intermediate", description = "MLP width of the random model (default 2816)")
    Integer intermediate;

    @Option(names = "--heads", description = "query heads of the random model (default 16; head size = hidden / heads)")
    Integer heads;

    @Option(names = "--kv-heads", description = "key-value heads of the random model (default 4)")
    Integer kvHeads;

    @Option(names = "--quantize", description = "with --model: read the projections as q8_0 or q4_0 (quantised at load)")
    String quantize;

    @Option(names = "--prompt-tokens", defaultValue = "128", description = "prefill length (default ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--decode-tokens", defaultValue = "32", description = "decoding steps timed per round (default ${DEFAULT-VALUE})")
    int decodeTokens;

    @Option(names = "--rounds", defaultValue = "5", description = "timed rounds after a warm-up round (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--threads", description = "kernel threads, also llama.cpp's (default: all cores)")
    Integer threads;

    @Option(names = "--llama-cpp", paramLabel = "DIR", description = "folder holding node_modules/node-llama-cpp (default: $ELIXR_NODE_LLAMA_CPP; none: llama.cpp skipped)")
    Path llamaCpp;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "where the random model's GGUF file is written (default: a temporary folder, deleted after)")
    Path workDir;

    @Option(names = "--json", description = "one JSON object instead of lines of text")
    boolean json;

    @Override
    public void run() {
        if (promptTokens < 1 || decodeTokens < 1 || rounds < 1) throw new IllegalArgumentException("--prompt-tokens, --decode-tokens and --rounds must be >= 1");
        PrintWriter out = spec.commandLine().getOut();
        if (threads != null) Parallel.setThreads(threads);
        LlmBench.Report r;
        if (model != null) {
            BlockFormat q = quantize == null ? null : BlockFormat.valueOf(quantize.toUpperCase(Locale.ROOT));
            r = LlmBench.single(model.getFileName().toString(), LlamaModel.open(model), q, model, promptTokens, decodeTokens, rounds, llamaCpp);
        } else {
            if (quantize != null) throw new IllegalArgumentException("--quantize goes with --model; the random run times BF16 and Q8_0 both");
            LlamaConfig c = LlmBench.shape(LlmBench.defaultConfig(), hidden, intermediate, layers, heads, kvHeads);
            try {
                Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("elixr-bench-llm");
                try {
                    r = LlmBench.suite(c, promptTokens, decodeTokens, rounds, llamaCpp, dir);
                } finally {
                    if (workDir == null) {
                        Files.deleteIfExists(dir.resolve("bench-llm-q8_0.gguf"));
                        Files.deleteIfExists(dir);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.println(json ? r.json() : r.text());
        out.flush();
    }
}
