package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;

import java.nio.file.Path;

/**
 * Writes fixtures/llm/llamacpp/model.gguf: a small random Llama (GQA 4/2, F32) with the byte_level fixture tokenizer,
 * through {@link GgufWriter}; llama_cpp_reference.mjs beside it then records what llama.cpp computes on it.
 * Run from models/: java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(deps) \
 * dev.elixr.models.llm.MakeLlamaCppFixture src/test/resources/fixtures/llm. Used only to make the fixture.
 */
public final class MakeLlamaCppFixture {
    private MakeLlamaCppFixture() {}

    public static void main(String[] args) throws Exception {
        Path llm = Path.of(args[0]);
        var tokenizerJson = new ObjectMapper().readTree(llm.resolve("tokenizers/byte_level/tokenizer.json").toFile());
        BpeTokenizer tok = BpeTokenizer.read(llm.resolve("tokenizers/byte_level"));
        var c = new LlamaConfig("llama", tok.size(), 32, 64, 2, 4, 2, 8, 1e-5f, 10000, null, false, false, false, false, 256,
                0, tok.id("<|begin_of_text|>"), new int[] {tok.id("<|end_of_text|>")});
        WeightSource r = WeightSource.random(11);
        LlamaModel m = new LlamaModel(c, new WeightSource() {
            @Override public Tensor get(String name, int... shape) { return Elementwise.mul(r.get(name, shape), 15f); }
            @Override public Tensor norm(String name, int dim) { return Elementwise.add(Elementwise.mul(Tensor.randn(name.hashCode(), dim), 0.1f), 1f); }
        });
        GgufWriter.write(m, llm.resolve("llamacpp/model.gguf"), GgufWriter.Type.F32, tokenizerJson, "llama-bpe");
    }
}
