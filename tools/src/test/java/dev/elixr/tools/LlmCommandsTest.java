package dev.elixr.tools;

import dev.elixr.autograd.io.Npy;
import dev.elixr.models.llm.BpeTokenizer;
import dev.elixr.models.llm.Generator;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.models.llm.Sampler;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code elixr logits}, {@code elixr generate} and {@code elixr tokenize --tokenizer} on the models module's fixtures. */
class LlmCommandsTest {
    private static final Path LLM = Path.of("..", "models", "src", "test", "resources", "fixtures", "llm");

    @TempDir Path tmp;

    private static String run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = new CommandLine(new Elixr());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        assertEquals(0, code, () -> "exit code; stderr: " + err);
        return out.toString();
    }

    @Test
    void logitsWritesTheLogitsAtEveryPositionMatchingPyTorch() throws IOException {
        Path out = tmp.resolve("logits.npy");
        run("logits", "--model", LLM.resolve("llama_gqa").toString(), "--ids", "1,17,42,3,88,9,60", "--output", out.toString());
        Tensor ours = Npy.read(out), expected = Npy.read(LLM.resolve("llama_gqa/logits_1.npy"));
        float[] a = ours.toFloatArray(), e = expected.toFloatArray();
        assertEquals(e.length, a.length);
        double max = 0;
        for (int i = 0; i < e.length; i++) max = Math.max(max, Math.abs(a[i] - e[i]));
        assertTrue(max <= 1e-4, "max abs error " + max);
    }

    @Test
    void generateReadsAGgufFileWithTheTokenizerInsideIt() {
        String gguf = LLM.resolve("llamacpp/model.gguf").toString();
        String printed = run("generate", "--model", gguf, "--prompt", "The heart", "--max-new-tokens", "4", "--temperature", "0");
        BpeTokenizer tok = BpeTokenizer.forModel(LLM.resolve("llamacpp/model.gguf"));
        LlamaModel m = LlamaModel.open(LLM.resolve("llamacpp/model.gguf"));
        var expected = new Generator(m, tok).generate(null, tok.encode("The heart"), 4, new Sampler(Sampler.Options.greedy()), m.config().eosTokenIds(), List.of(), s -> { });
        assertEquals(expected.text() + System.lineSeparator(), printed);
    }

    @Test
    void tokenizeWithATokenizerJsonPrintsIdsWithBosAndDecodesBack() {
        String dir = LLM.resolve("tokenizers/byte_level").toString();
        assertEquals("364,316,363", run("tokenize", "--tokenizer", dir, "--text", "Hello world").strip());
        assertEquals("<|begin_of_text|>Hello world", run("tokenize", "--tokenizer", dir + "/tokenizer.json", "--decode", "364,316,363").strip());
        assertEquals("1,400,415", run("tokenize", "--tokenizer", LLM.resolve("tokenizers/sentencepiece_bpe").toString(), "--text", "Hello world").strip());
    }

    @Test
    void generateGreedyPrintsTheSameTextAsTheGenerator() throws IOException {
        BpeTokenizer tok = BpeTokenizer.read(LLM.resolve("tokenizers/byte_level"));
        var c = new LlamaConfig("llama", tok.size(), 32, 64, 2, 4, 2, 8, 1e-5f, 10000, null, false, false, false, true, 128, 0, -1, new int[0]);
        LlamaModel m = LlamaModel.random(c, 5);
        Path dir = tmp.resolve("model");
        m.save(dir);
        Files.copy(LLM.resolve("tokenizers/byte_level/tokenizer.json"), dir.resolve("tokenizer.json"));
        var expected = new Generator(m, tok).generate(null, tok.encode("The lungs"), 6, new Sampler(Sampler.Options.greedy()), new int[0], List.of(), s -> { });
        String printed = run("generate", "--model", dir.toString(), "--prompt", "The lungs", "--max-new-tokens", "6", "--temperature", "0");
        assertEquals(expected.text() + System.lineSeparator(), printed);
    }
}
