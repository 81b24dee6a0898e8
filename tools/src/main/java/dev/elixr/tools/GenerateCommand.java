package dev.elixr.tools;

import dev.elixr.models.llm.BpeTokenizer;
import dev.elixr.models.llm.ChatFormat;
import dev.elixr.models.llm.Generator;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.models.llm.Sampler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code elixr generate}: streams a Llama-family model's continuation of a prompt. */
@Command(name = "generate", description = "Continue a prompt with a Llama/Mistral/Qwen2 folder (config.json, model.safetensors, tokenizer.json) or a llama GGUF file, streaming the text.")
final class GenerateCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "model folder, or a GGUF file (its own tokenizer, or a tokenizer.json beside it)")
    Path model;

    @Option(names = "--prompt", required = true, description = "the prompt (encoded with the tokenizer's special tokens, e.g. BOS)")
    String prompt;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "most tokens to generate (default ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0.7", description = "0 = greedy (default ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "keep the k most likely tokens; 0 = off (default)")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.9", description = "nucleus: keep the most likely tokens up to this probability; 1 = off (default ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--min-p", defaultValue = "0", description = "drop tokens below this fraction of the top probability; 0 = off (default)")
    float minP;

    @Option(names = "--repetition-penalty", defaultValue = "1", description = "divide the logits of tokens already seen; 1 = off (default)")
    float repetitionPenalty;

    @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--chat", description = "wrap the prompt as one user turn in the model family's chat format (Llama 3, ChatML, Zephyr, Llama 2) and stop at its end marker")
    boolean chat;

    @Option(names = "--stop", description = "stop before this text (repeatable); it is not printed")
    List<String> stops = List.of();

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        LlamaModel m = LlamaModel.open(model);
        BpeTokenizer tok = BpeTokenizer.forModel(model);
        int[] eos = m.config().eosTokenIds();
        String text = prompt;
        if (chat) {
            ChatFormat f = ChatFormat.of(model, tok);
            text = f.prompt(prompt);
            eos = java.util.stream.IntStream.concat(java.util.Arrays.stream(eos), java.util.Arrays.stream(f.endIds(tok))).toArray();
        }
        int[] ids = tok.encode(text);
        var sampler = new Sampler(new Sampler.Options(temperature, topK, topP, minP, repetitionPenalty, seed));
        var r = new Generator(m, tok).generate(null, ids, maxNewTokens, sampler, eos, stops, s -> {
            out.print(s);
            out.flush();
        });
        out.println();
        int n = r.tokens().length;
        err.printf(Locale.ROOT, "[%d prompt tokens: prefill %.1f tok/s; %d generated: decode %.1f tok/s; stopped by %s]%n",
                r.promptTokens(), r.promptTokens() / (r.prefillNanos() / 1e9), n, n / Math.max(1e-9, r.decodeNanos() / 1e9), r.stopReason());
    }
}
