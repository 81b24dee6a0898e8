package dev.elixr.models.hf;

import dev.elixr.autograd.io.Safetensors;
import dev.elixr.models.testing.Fixtures;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.models.vision.VisionTransformer;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Name mapping and strict loading with HF folders rewritten from the fixtures. */
class WeightLoaderTest {
    @TempDir Path tmp;

    /** A copy of a fixture folder whose weights are renamed (null drops a tensor) and extended. */
    private Path rewritten(String fixture, UnaryOperator<String> rename, Map<String, Tensor> extra) throws IOException {
        Path src = Fixtures.path(fixture);
        Files.copy(src.resolve("config.json"), tmp.resolve("config.json"));
        Map<String, Tensor> out = new LinkedHashMap<>();
        Safetensors.read(src.resolve("model.safetensors")).forEach((k, v) -> {
            String n = rename.apply(k);
            if (n != null) out.put(n, v);
        });
        out.putAll(extra);
        Safetensors.write(tmp.resolve("model.safetensors"), out);
        return tmp;
    }

    private static void assertSameWeights(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            if (k.endsWith("num_batches_tracked")) continue;
            assertArrayEquals(a.get(k).contiguous().toFloatArray(), b.get(k).contiguous().toFloatArray(), k);
        }
    }

    @Test
    void vitWithPrefixAndClassifierHeadLoadsTheSameWeights() throws IOException {
        VisionTransformer plain = HfModels.vit(Fixtures.path("vit"));
        Path dir = rewritten("vit", k -> k.startsWith("pooler.") ? null : "vit." + k,
                Map.of("classifier.weight", Tensor.zeros(10, 32), "classifier.bias", Tensor.zeros(10)));
        VisionTransformer prefixed = HfModels.vit(dir);
        assertFalse(prefixed.config().addPooler());
        Map<String, Tensor> expected = new LinkedHashMap<>(plain.stateDict());
        expected.keySet().removeIf(k -> k.startsWith("pooler."));
        assertSameWeights(expected, prefixed.stateDict());
        assertFalse(prefixed.isTraining());
    }

    @Test
    void bertWithPrefixAndLegacyGammaBetaNames() throws IOException {
        BertEncoder plain = HfModels.bert(Fixtures.path("bert"));
        Path dir = rewritten("bert", k -> "bert." + k.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta"),
                Map.of("bert.embeddings.position_ids", Tensor.arange(40).reshape(1, 40),
                        "cls.predictions.bias", Tensor.zeros(175)));
        assertSameWeights(plain.stateDict(), HfModels.bert(dir).stateDict());
    }

    @Test
    void everyProblemIsNamedWithShapes() throws IOException {
        Path dir = rewritten("bert", k -> k.equals("encoder.layer.1.output.dense.bias") ? null
                        : k.equals("pooler.dense.weight") ? "pooler.dense.weight" : k,
                Map.of("encoder.layer.0.intermediate.dense.weight", Tensor.zeros(64, 31), "encoder.layer.9.extra", Tensor.zeros(3)));
        var e = assertThrows(WeightLoadException.class, () -> HfModels.bert(HfFolder.open(dir), true));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("missing encoder.layer.1.output.dense.bias (expected shape [32])"), e.getMessage());
        assertTrue(e.getMessage().contains("shape mismatch encoder.layer.0.intermediate.dense.weight: expected [64,32], found [64,31]"),
                e.getMessage());
        assertTrue(e.getMessage().contains("unexpected encoder.layer.9.extra [3]"), e.getMessage());
        var first = assertThrows(WeightLoadException.class, () -> HfModels.bert(HfFolder.open(dir), false));
        assertTrue(first.getMessage().contains("and 2 more problems"), first.getMessage());
    }

    @Test
    void efficientNetIgnoresClassifierAndBatchCounters() throws IOException {
        Path dir = rewritten("efficientnet", k -> k, Map.of("classifier.1.weight", Tensor.zeros(5, 320),
                "features.0.1.num_batches_tracked", Tensor.scalar(7)));
        var net = HfModels.efficientNet(dir);
        assertSameWeights(HfModels.efficientNet(Fixtures.path("efficientnet")).stateDict(), net.stateDict());
    }

    @Test
    void missingWeightsFileIsExplained() throws IOException {
        Files.writeString(tmp.resolve("config.json"), "{\"model_type\":\"vit\"}");
        Files.writeString(tmp.resolve("pytorch_model.bin"), "x");
        var e = assertThrows(IllegalArgumentException.class, () -> HfModels.vit(tmp));
        assertTrue(e.getMessage().contains("no model.safetensors") && e.getMessage().contains("pytorch_model.bin"), e.getMessage());
        var t = assertThrows(IllegalArgumentException.class, () -> HfModels.load(Fixtures.path("tokenizer"), false));
        assertTrue(t.getMessage().contains("no config.json"), t.getMessage());
    }

    @Test
    void mappingRenamesOnlyLayerNormGammaBeta() {
        assertEquals("a.LayerNorm.weight", WeightMapping.legacyLayerNorm("a.LayerNorm.gamma"));
        assertEquals("a.LayerNorm.bias", WeightMapping.legacyLayerNorm("a.LayerNorm.beta"));
        assertEquals("a.dense.beta", WeightMapping.legacyLayerNorm("a.dense.beta"));
        assertNull(WeightMapping.map(Map.of("x.num_batches_tracked", Tensor.scalar(1)), "").weights().get("x.num_batches_tracked"));
    }
}
