package dev.elixr.tools;

import dev.elixr.bench.LlmBench;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.tensor.DType;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.matvec.BlockFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** {@code elixr bench llm}: prefill and decode tokens/s of a Llama-family model beside the memory-bandwidth bound. */
@Command(name = "llm", description = "Prefill and decode tokens/s of a Llama-family folder (or of random weights, by default a 336M-parameter "
        + "Llama: hidden 1024, 24 layers, GQA 16/4, vocab 32000) beside the bound that the measured memory bandwidth sets on decoding.")
final class LlmBenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", description = "model folder (config.json, model.safetensors) or a llama GGUF file; default: random weights")
    Path model;

    @Option(names = "--dtype", defaultValue = "bf16", description = "stored type of the random weights: bf16, f16 or f32 (default ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--layers", description = "layers of the random model (default 24)")
    Integer layers;

    @Option(names = "--quantize", description = "read the projections as q8_0 or q4_0 (quantised at load)")
    String quantize;

    @Option(names = "--prompt-tokens", defaultValue = "128", description = "prefill length (default ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--decode-tokens", defaultValue = "32", description = "decoding steps timed (default ${DEFAULT-VALUE})")
    int decodeTokens;

    @Option(names = "--rounds", defaultValue = "3", description = "timed rounds after a warm-up round; the best counts (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--threads", description = "kernel threads (default: all cores)")
    Integer threads;

    @Option(names = "--json", description = "one JSON object instead of a sentence")
    boolean json;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (threads != null) Parallel.setThreads(threads);
        LlamaModel m;
        String name;
        if (model != null) {
            m = LlamaModel.open(model);
            name = model.getFileName().toString();
        } else {
            LlamaConfig c = LlmBench.defaultConfig();
            if (layers != null) c = new LlamaConfig(c.modelType(), c.vocabSize(), c.hiddenSize(), c.intermediateSize(), layers, c.numHeads(),
                    c.numKvHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(), c.qkvBias(), c.oBias(), c.mlpBias(),
                    c.tieWordEmbeddings(), c.maxPositionEmbeddings(), c.slidingWindow(), c.bosTokenId(), c.eosTokenIds());
            m = LlmBench.random(c, DType.valueOf(dtype.toUpperCase(Locale.ROOT)), 1);
            name = "random-llama";
        }
        BlockFormat q = quantize == null ? null : BlockFormat.valueOf(quantize.toUpperCase(Locale.ROOT));
        if (q != null) m.quantize(q);
        var r = LlmBench.run(name, m, q, promptTokens, decodeTokens, rounds);
        out.println(json ? r.json() : r.line());
        out.flush();
    }
}
