package dev.elixr.models.qformer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.models.hf.HfConfigs;
import dev.elixr.models.hf.HfModels;
import dev.elixr.models.hf.WeightLoadException;
import dev.elixr.models.testing.Fixtures;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.elixr.models.testing.Parity.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading Q-Former checkpoints by Hugging Face name, strictly, and its config. */
class QFormerLoadingTest {
    @Test
    void queryOnlyCheckpointWithoutPrefixLoadsAndMatchesPyTorch() {
        QFormer m = HfModels.qformer(Fixtures.path("qformer_query_only"));
        assertFalse(m.hasText());
        assertEquals(4, m.config().queries().count(), "number of queries read from query_tokens");
        try (var g = GradMode.noGrad()) {
            Tensor out = m.queryPass(Var.of(npy("qformer_query_only/image_features.npy"))).hidden().value();
            QFormerParityTest.assertTensorRelative("query-only last_hidden_state", npy("qformer_query_only/last_hidden_state.npy"), out);
        }
    }

    @Test
    void everyMissingUnexpectedAndMisShapedTensorIsNamed(@TempDir Path dir) throws IOException {
        Map<String, Tensor> w = new LinkedHashMap<>(Safetensors.read(Fixtures.path("qformer/model.safetensors")));
        w.remove("qformer.encoder.layer.1.intermediate_query.dense.weight");
        w.put("itm_head.weight", Tensor.zeros(3, 32));
        w.put("qformer.encoder.layer.1.crossattention.attention.key.weight", Tensor.zeros(32, 24));
        Safetensors.write(dir.resolve("model.safetensors"), w);
        Files.copy(Fixtures.path("qformer/config.json"), dir.resolve("config.json"));
        var e = assertThrows(WeightLoadException.class, () -> HfModels.load(dir, true));
        String msg = e.getMessage();
        assertEquals(3, e.problems().size(), msg);
        assertTrue(msg.contains("missing qformer.encoder.layer.1.intermediate_query.dense.weight (expected shape [48,32])"), msg);
        assertTrue(msg.contains("shape mismatch itm_head.weight: expected [2,32], found [3,32]"), msg);
        assertTrue(msg.contains("unexpected qformer.encoder.layer.1.crossattention.attention.key.weight [32,24]"), msg);
        assertTrue(msg.contains(dir.resolve("model.safetensors").toString()), msg);
    }

    @Test
    void aFullCheckpointWithoutTheQueryTokensIsRefused(@TempDir Path dir) throws IOException {
        Map<String, Tensor> w = new LinkedHashMap<>(Safetensors.read(Fixtures.path("qformer/model.safetensors")));
        w.remove("query_tokens");
        Safetensors.write(dir.resolve("model.safetensors"), w);
        Files.copy(Fixtures.path("qformer/config.json"), dir.resolve("config.json"));
        var e = assertThrows(WeightLoadException.class, () -> HfModels.qformer(dir));
        assertTrue(e.getMessage().contains("missing query_tokens (expected shape [1,4,32])"), e.getMessage());
    }

    @Test
    void aCreatedModelSavedInItsOwnNamesLoadsBackAndGivesTheSameLosses(@TempDir Path dir) throws IOException {
        QFormer made = QFormer.create(QFormerPassesTest.CONFIG, new java.util.SplittableRandom(4));
        made.eval();
        Safetensors.write(dir.resolve("model.safetensors"), made.stateDict());
        new ObjectMapper().writeValue(dir.resolve("config.json").toFile(), HfConfigs.qformerJson(made.config()));
        QFormer loaded = (QFormer) HfModels.load(dir, true);
        assertEquals(made.config(), loaded.config());
        try (var g = GradMode.noGrad()) {
            Var image = QFormerPassesTest.image();
            TextBatch text = QFormerPassesTest.TEXT;
            var a = StageOneLoss.compute(made, image, text, null, ItcLoss.Duplicates.MASK, new java.util.SplittableRandom(1));
            var b = StageOneLoss.compute(loaded, image, text, null, ItcLoss.Duplicates.MASK, new java.util.SplittableRandom(1));
            assertEquals(a.total().item(), b.total().item());
        }
    }

    @Test
    void configOfAnotherModelTypeIsRefusedNamingIt() throws IOException {
        var node = new ObjectMapper().readTree("{\"model_type\": \"bert\", \"hidden_size\": 32}");
        var e = assertThrows(IllegalArgumentException.class, () -> HfConfigs.qformer(node));
        assertTrue(e.getMessage().contains("'bert'") && e.getMessage().contains("blip_2_qformer"), e.getMessage());
    }

    @Test
    void configReadsHuggingFaceFieldsAndRoundTrips() throws IOException {
        var json = new ObjectMapper();
        QFormerConfig c = HfConfigs.qformer(json.readTree(Fixtures.path("qformer/config.json").toFile()));
        assertEquals(32, c.width());
        assertEquals(3, c.depth());
        assertEquals(4, c.transformer().heads());
        assertEquals(48, c.transformer().ffnSize());
        assertEquals(new QFormerConfig.Queries(4, 2, 24), c.queries());
        assertEquals(new QFormerConfig.Text(50, 16, 0, 49), c.text());
        assertEquals(16, c.projectionWidth());
        assertTrue(c.hasCrossAttention(0) && !c.hasCrossAttention(1) && c.hasCrossAttention(2));
        assertEquals(c, HfConfigs.qformer(json.valueToTree(HfConfigs.qformerJson(c))));
        QFormerConfig paper = QFormerConfig.paper();
        assertEquals(QFormerConfig.paper(), HfConfigs.qformer(json.valueToTree(HfConfigs.qformerJson(paper))));
        assertEquals(768, paper.width());
        assertEquals(new QFormerConfig.Queries(32, 2, 1376), paper.queries());
        assertEquals(128, paper.projectionWidth());
    }

    @Test
    void bertReaderStillAcceptsTheQFormerConfig() throws IOException {
        // HfConfigs.bert has read blip_2_qformer configs as BERT with cross-attention; that stays
        var c = HfConfigs.bert(new ObjectMapper().readTree(Fixtures.path("qformer/config.json").toFile()));
        assertEquals(32, c.hiddenSize());
    }
}
