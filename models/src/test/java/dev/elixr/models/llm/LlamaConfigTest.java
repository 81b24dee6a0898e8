package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.models.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json of each supported family, the refusals, and the rotary frequencies. */
class LlamaConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    static ObjectNode config(String folder) throws IOException {
        return (ObjectNode) JSON.readTree(Fixtures.path("llm/" + folder + "/config.json").toFile());
    }

    @Test
    void llamaConfigReadsGqaRopeScalingAndUntiedHead() throws IOException {
        LlamaConfig c = LlamaConfig.fromJson(config("llama_gqa"), "config.json");
        assertEquals(4, c.numHeads());
        assertEquals(2, c.numKvHeads());
        assertEquals(2, c.groups());
        assertEquals(8, c.headDim());
        assertEquals("llama3", c.ropeScaling().type());
        assertEquals(16, c.ropeScaling().originalMaxPositions());
        assertFalse(c.tieWordEmbeddings());
        assertFalse(c.qkvBias());
        assertArrayEquals(new int[] {2}, c.eosTokenIds());
    }

    @Test
    void qwen2HasQkvBiasesButNoOutputBias() throws IOException {
        LlamaConfig c = LlamaConfig.fromJson(config("qwen2_bias"), "config.json");
        assertTrue(c.qkvBias());
        assertFalse(c.oBias());
        assertTrue(c.tieWordEmbeddings());
        assertNull(c.ropeScaling());
        assertEquals(0, c.slidingWindow(), "use_sliding_window false");
    }

    @Test
    void otherModelTypesAreRefusedNamingTheType() throws IOException {
        ObjectNode j = config("llama_gqa").put("model_type", "gpt2");
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.fromJson(j, "x/config.json"));
        assertEquals("x/config.json: model_type 'gpt2' is not supported by the Llama-family decoder (supported: llama, mistral, qwen2)", e.getMessage());
    }

    @Test
    void unknownRopeScalingIsRefusedNamingIt() throws IOException {
        ObjectNode j = config("llama_gqa");
        ((ObjectNode) j.get("rope_scaling")).put("rope_type", "yarn");
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.fromJson(j, "c.json"));
        assertTrue(e.getMessage().contains("rope_scaling type 'yarn' is not supported"), e.getMessage());
    }

    @Test
    void llama3ScalingSlowsLowFrequenciesKeepsHighOnesAndBlendsBetween() {
        // head_dim 8, theta 10000: wavelengths 2π·{1, 10, 100, 1000}; old context 16, low 1, high 4 → kept below 4, ÷8 above 16
        var s = new LlamaConfig.RopeScaling("llama3", 8, 1, 4, 16);
        float[] f = RotaryEmbedding.inverseFrequencies(8, 10000, s);
        float[] plain = RotaryEmbedding.inverseFrequencies(8, 10000, null);
        double smooth = (16 / (2 * Math.PI / plain[0]) - 1) / 3.0; // wavelength 6.28 lies between 4 and 16
        assertEquals((1 - smooth) * plain[0] / 8 + smooth * plain[0], f[0], 1e-7);
        assertEquals(plain[1] / 8, f[1], 1e-9);
        assertEquals(plain[3] / 8, f[3], 1e-12);
    }

    @Test
    void aMisshapenTensorIsRefusedNamingItAndBothShapes() throws IOException {
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir);
        Files.copy(Fixtures.path("llm/llama_gqa/model.safetensors"), dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("config.json"), config("llama_gqa").put("intermediate_size", 48).toString());
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaModel.load(dir));
        assertTrue(e.getMessage().contains("tensor 'model.layers.0.mlp.gate_proj.weight' is [64,32], expected [48,32]"), e.getMessage());
    }

    @Test
    void unexpectedTensorsAreRefusedNamingThem() throws IOException {
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir);
        var w = new java.util.LinkedHashMap<>(dev.elixr.autograd.io.Safetensors.read(Fixtures.path("llm/llama_gqa/model.safetensors")));
        w.put("model.layers.0.mlp.extra.weight", dev.elixr.tensor.Tensor.zeros(2, 2));
        dev.elixr.autograd.io.Safetensors.write(dir.resolve("model.safetensors"), w);
        Files.writeString(dir.resolve("config.json"), config("llama_gqa").toString());
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaModel.load(dir));
        assertTrue(e.getMessage().contains("tensors the llama model does not have: [model.layers.0.mlp.extra.weight]"), e.getMessage());
    }

    @Test
    void aTiedCheckpointMayCarryACopyOfTheTableAsLmHead() throws IOException {
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir);
        Files.copy(Fixtures.path("llm/llama_gqa/model.safetensors"), dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("config.json"), config("llama_gqa").put("tie_word_embeddings", true).toString());
        LlamaModel m = LlamaModel.load(dir);
        assertTrue(m.config().tieWordEmbeddings());
        assertFalse(m.namedParameters().containsKey("lm_head.weight"));
    }
}
