package dev.elixr.tools;

import dev.elixr.autograd.io.Npy;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** {@code elixr logits}: the logits of a Llama-family folder at every position of given ids, for parity checks. */
@Command(name = "logits", description = "Write the logits [T, vocab] of a Llama/Mistral/Qwen2 folder at every position of the ids (no special tokens added) as float32 .npy.")
final class LogitsCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "model folder (config.json, model.safetensors or shards) or a llama GGUF file")
    Path model;

    @Option(names = "--ids", required = true, split = ",", description = "token ids, comma-separated")
    int[] ids;

    @Option(names = "--output", required = true, description = "the .npy file to write")
    Path output;

    @Override
    public void run() {
        LlamaModel m = LlamaModel.open(model);
        Tensor logits = m.forward(ids, m.newCache(ids.length));
        try {
            Npy.write(output, logits);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println("wrote " + output + " " + Shape.str(logits.shape()));
    }
}
