package dev.elixr.bench;

import dev.elixr.models.llm.GgufWriter;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.tensor.DType;
import dev.elixr.tensor.matvec.BlockFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What bench llm counts: bytes per token of BF16 and of the Q8_0 GGUF file, prefill FLOPs, per-round ratios against the bound. */
class LlmBenchTest {
    static final LlamaConfig TINY = new LlamaConfig("llama", 320, 64, 96, 2, 4, 2, 16, 1e-5f, 10000, null, false, false, false, false, 64, 0, 1, new int[] {2});

    @Test
    void theQ8GgufFileReadsAsManyBytesPerTokenAsItsBlocksHold(@TempDir Path dir) throws Exception {
        LlamaModel bf16 = LlmBench.random(TINY, DType.BF16, 3);
        long matrices = 2L * 4 * 64 * 16 * 2 + 2L * 2 * 64 * 16 * 2 + 2L * 3 * 64 * 96 + 320L * 64; // q,o + k,v + mlp, 2 layers; head
        assertEquals(2.0 * matrices, LlmBench.bytesPerToken(bf16, null), "BF16 bytes per token");
        Path gguf = dir.resolve("m.gguf");
        GgufWriter.write(bf16, gguf, GgufWriter.Type.Q8_0, GgufWriter.byteTokenizer(), "llama-bpe");
        LlamaModel q8 = LlamaModel.open(gguf);
        assertEquals(matrices / 32.0 * 34, LlmBench.quantisedBytesPerToken(q8, TINY), "Q8_0 GGUF bytes per token");
        assertEquals(LlmBench.bytesPerToken(bf16, BlockFormat.Q8_0), LlmBench.quantisedBytesPerToken(q8, TINY), "the two counts of Q8_0 bytes");
    }

    @Test
    void shapeReplacesTheGivenSizesKeepsTheOthersAndRefusesHeadsThatDoNotDivide() {
        LlamaConfig c = LlmBench.shape(LlmBench.defaultConfig(), 2048, 5632, 22, 32, null);
        assertEquals(2048, c.hiddenSize());
        assertEquals(5632, c.intermediateSize());
        assertEquals(22, c.numLayers());
        assertEquals(32, c.numHeads());
        assertEquals(LlmBench.defaultConfig().numKvHeads(), c.numKvHeads());
        assertEquals(64, c.headDim(), "hidden / heads");
        LlamaConfig d = LlmBench.defaultConfig();
        LlamaConfig same = LlmBench.shape(d, null, null, null, null, null); // no sizes given: the default shape
        assertEquals(java.util.List.of(d.hiddenSize(), d.intermediateSize(), d.numLayers(), d.numHeads(), d.numKvHeads(), d.headDim(), d.vocabSize()),
                java.util.List.of(same.hiddenSize(), same.intermediateSize(), same.numLayers(), same.numHeads(), same.numKvHeads(), same.headDim(), same.vocabSize()));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> LlmBench.shape(LlmBench.defaultConfig(), 1000, null, null, 16, null));
        assertTrue(e.getMessage().contains("hidden 1000 is not a multiple of heads 16"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> LlmBench.shape(LlmBench.defaultConfig(), null, null, null, 16, 3));
        assertTrue(e.getMessage().contains("heads 16 is not a multiple of kv heads 3"), e.getMessage());
    }

    @Test
    void prefillFlopsCountTwoPerWeightOfTheLayersProjectionsPerToken() {
        long perLayer = 64L * 64 + 2L * 64 * 32 + 64L * 64 + 3L * 64 * 96;
        assertEquals(2.0 * 2 * perLayer, LlmBench.prefillFlopsPerToken(TINY));
    }

    @Test
    void percentOfBoundIsTheMedianOfEachRoundAgainstItsOwnProbe() {
        // 1e8 bytes a token; rounds at 10, 20, 40 tok/s beside 4, 2, 2 GB/s: 25%, 100%, 200% of their bounds
        var r = new LlmBench.Rounds("X", 1e8, 1, 1, 1, new double[] {1, 1, 1}, new double[] {10, 20, 40}, new double[] {4, 2, 2});
        assertEquals(100.0, r.percentOfBound(), 1e-9);
        assertEquals(20.0, r.decodeTokS());
        assertEquals(2.0, r.bandwidthGBs());
        assertTrue(LlmBench.median(new double[] {3, 1, 2, 4}) == 2.5);
    }
}
