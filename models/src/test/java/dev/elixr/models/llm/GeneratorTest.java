package dev.elixr.models.llm;

import dev.elixr.models.testing.Fixtures;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.elixr.models.testing.Parity.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generation with the KV cache on a small random model and the byte-level fixture tokenizer. */
class GeneratorTest {
    @TempDir Path tmp;

    static final BpeTokenizer TOKENIZER = BpeTokenizer.read(Fixtures.path("llm/tokenizers/byte_level"));

    static LlamaConfig config(int vocab) {
        return new LlamaConfig("llama", vocab, 32, 64, 2, 4, 2, 8, 1e-5f, 10000, null, false, false, false, true, 128, 0, -1, new int[0]);
    }

    /** A random model whose weights are large enough that greedy text does not collapse to one token. */
    static LlamaModel model() { return new LlamaModel(config(TOKENIZER.size()), wide(3)); }

    static WeightSource wide(long seed) {
        WeightSource r = WeightSource.random(seed);
        return new WeightSource() {
            @Override public Tensor get(String name, int... shape) { return dev.elixr.tensor.ops.Elementwise.mul(r.get(name, shape), 15f); }
            @Override public Tensor norm(String name, int dim) { return r.norm(name, dim); }
        };
    }

    @Test
    void greedyGenerationEqualsTheArgmaxOfAFullRecomputeAtEveryStep() {
        LlamaModel m = model();
        int[] prompt = TOKENIZER.encode("The heart size is");
        var r = new Generator(m, TOKENIZER).generate(null, prompt, 12, new Sampler(Sampler.Options.greedy()), new int[0], List.of(), s -> { });
        assertEquals(12, r.tokens().length);
        int[] all = Arrays.copyOf(prompt, prompt.length + r.tokens().length);
        System.arraycopy(r.tokens(), 0, all, prompt.length, r.tokens().length);
        Tensor full = m.forward(all, m.newCache(all.length));
        for (int i = 0; i < r.tokens().length; i++) {
            float[] row = full.select(0, prompt.length - 1 + i).toFloatArray();
            assertEquals(Sampler.argmax(row), r.tokens()[i], "token " + i);
        }
        assertEquals(TOKENIZER.decode(r.tokens(), true), r.text());
    }

    @Test
    void streamedPiecesJoinToTheTextAndAStopStringIsNeverEmitted() {
        LlamaModel m = model();
        int[] prompt = TOKENIZER.encode("No pleural");
        var free = new Generator(m, TOKENIZER).generate(null, prompt, 16, new Sampler(Sampler.Options.greedy()), new int[0], List.of(), s -> { });
        String stop = free.text().substring(free.text().length() / 2, free.text().length() / 2 + 2);
        List<String> pieces = new ArrayList<>();
        var r = new Generator(m, TOKENIZER).generate(null, prompt, 16, new Sampler(Sampler.Options.greedy()), new int[0], List.of(stop), pieces::add);
        assertEquals("stop", r.stopReason());
        assertEquals(free.text().substring(0, free.text().indexOf(stop)), r.text());
        assertEquals(r.text(), String.join("", pieces));
        assertFalse(r.text().contains(stop));
    }

    @Test
    void anEndOfSequenceIdEndsGeneration() {
        LlamaModel m = model();
        int[] prompt = TOKENIZER.encode("Heart");
        var free = new Generator(m, TOKENIZER).generate(null, prompt, 6, new Sampler(Sampler.Options.greedy()), new int[0], List.of(), s -> { });
        int eos = free.tokens()[3];
        int first = 0;
        while (free.tokens()[first] != eos) first++;
        var r = new Generator(m, TOKENIZER).generate(null, prompt, 6, new Sampler(Sampler.Options.greedy()), new int[] {eos}, List.of(), s -> { });
        assertEquals("eos", r.stopReason());
        assertArrayEquals(Arrays.copyOf(free.tokens(), first + 1), r.tokens());
    }

    @Test
    void anEmbeddingPrefixChangesWhatFollows() {
        LlamaModel m = model();
        int[] prompt = TOKENIZER.encode("The", false);
        Tensor prefix = Tensor.randn(5, 4, 32);
        var plain = new Generator(m, TOKENIZER).generate(null, prompt, 8, new Sampler(Sampler.Options.greedy()), new int[0], List.of(), s -> { });
        var soft = new Generator(m, TOKENIZER).generate(prefix, prompt, 8, new Sampler(Sampler.Options.greedy()), new int[0], List.of(), s -> { });
        assertEquals(5, soft.promptTokens());
        assertFalse(Arrays.equals(plain.tokens(), soft.tokens()));
    }

    @Test
    void savedModelsLoadBackWithTheSameLogits() throws IOException {
        LlamaModel m = model();
        m.save(tmp.resolve("m"));
        LlamaModel back = LlamaModel.load(tmp.resolve("m"));
        int[] ids = TOKENIZER.encode("pleural effusion");
        assertEquals(0.0, maxAbsDiff(m.forward(ids, m.newCache(16)), back.forward(ids, back.newCache(16))));
        assertEquals(m.config().toJson(), back.config().toJson());
    }

    @Test
    void stopStringsHoldBackOnlyTailsThatCouldStillMatch() {
        StopStrings s = new StopStrings(List.of("END"));
        assertEquals("abc", s.push("abc"));
        assertEquals("x", s.push("xE"));
        assertEquals("", s.push("N"));
        assertEquals("ENx", s.push("x"));
        assertEquals("ok ", s.push("ok END more"));
        assertTrue(s.stopped());
    }
}
