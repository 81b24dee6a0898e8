package dev.elixr.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `elixr train lm` from the command line leaves a folder that `elixr generate --model RUN` reads as it is. */
class TrainLmCommandTest {
    @TempDir Path tmp;

    @Test void commandDefaultsAreTheJobsDefaults() {
        TrainLmCommand c = new TrainLmCommand();
        new CommandLine(c).parseArgs("--data", "d", "--out", "o");
        var d = dev.elixr.tasks.train.LmTrainingJob.Options.defaults(Path.of("d"), Path.of("o"));
        assertEquals(d, c.options());
    }

    @Test void trainedRunIsAModelFolderThatGenerateReads() throws Exception {
        Path data = tmp.resolve("data"), run = tmp.resolve("run-lm");
        assertEquals(0, new CommandLine(new Elixr()).execute("data", "synth", "--out", data.toString(), "--studies", "24",
                "--seed", "3", "--size", "32", "--no-progress"));
        assertEquals(0, new CommandLine(new Elixr()).execute("train", "lm", "--data", data.toString(), "--out", run.toString(),
                "--layers", "1", "--dim", "16", "--heads", "2", "--kv-heads", "1", "--vocab", "300", "--epochs", "1", "--batch", "4"));
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "metrics.json"}) assertTrue(Files.exists(run.resolve(f)), f);
        var metrics = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.resolve("metrics.json").toFile()); // strict JSON: no NaN
        assertTrue(metrics.get("test_perplexity").isNumber(), metrics.toString());
        StringWriter out = new StringWriter();
        int code = new CommandLine(new Elixr()).setOut(new PrintWriter(out))
                .execute("generate", "--model", run.toString(), "--prompt", "FINDINGS:", "--max-new-tokens", "4");
        assertEquals(0, code);
        assertTrue(!out.toString().isBlank(), "generate printed nothing");
    }
}
