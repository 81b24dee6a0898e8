package dev.elixr.models.elixr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.autograd.GradMode;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.models.hf.HfFolder;
import dev.elixr.models.hf.WeightLoadException;
import dev.elixr.models.testing.Fixtures;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.tensor.SegmentStorage;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.elixr.models.testing.Parity.assertClose;
import static dev.elixr.models.testing.Parity.npy;
import static org.junit.jupiter.api.Assertions.*;

/** ELIXR-C's text tower initialised from a tiny random Hugging Face BERT folder, against PyTorch (fixtures/elixr_text_hf). */
class HfTextInitTest {
    static final String FOLDER = "elixr_text_hf";
    static final ElixrCConfig BASE = new ElixrCConfig(new ElixrCConfig.Image("conv", ImagePreprocessing.standard(32), new int[] {4, 8}, 1, 16),
            ElixrCConfig.Text.bertSmall(50, 16, 1, 2, 32, 128), 8, new ElixrCConfig.Temperature(0.07f, 0.01f));
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @Test
    void configTakesTheCheckpointShapeAndRecordsItsOrigin() {
        HfTextInit init = HfTextInit.open(Fixtures.path(FOLDER));
        ElixrCConfig c = init.configure(BASE);
        assertEquals(178, c.text().bert().vocabSize(), "config.json vocab_size (vocab.txt has 175 lines)");
        assertEquals(175, init.vocab().size());
        assertEquals(List.of(32, 2, 4, 48, 24, 1), List.of(c.text().bert().hidden(), c.text().bert().layers(), c.text().bert().heads(), c.text().bert().intermediate(),
                c.text().bert().maxPositions(), c.text().bert().typeVocab()));
        assertEquals(24, c.text().maxTokens(), "texts are cut to the checkpoint's 24 positions");
        assertEquals(1e-6f, c.text().bert().layerNormEps());
        assertEquals(Activation.GELU_TANH, c.text().bert().activation());
        assertTrue(c.text().lowercase());
        assertTrue(c.text().fromHf());
        assertEquals(Fixtures.path(FOLDER).toAbsolutePath().normalize().toString(), c.text().encoder());
        assertEquals("conv", c.image().encoder());
        assertEquals(8, c.embedDim());
        var bert = c.text().bertConfig();
        assertEquals(List.of(178, 32, 2, 4, 48, 24, 1), List.of(bert.vocabSize(), bert.hiddenSize(), bert.numLayers(),
                bert.numHeads(), bert.intermediateSize(), bert.maxPositionEmbeddings(), bert.typeVocabSize()));
        assertEquals(Activation.GELU_TANH, bert.hiddenAct());
        assertEquals(1e-6f, bert.layerNormEps());
        assertEquals(0f, bert.dropout(), "no dropout: training stays a pure function of seed and step");
        assertFalse(BASE.text().fromHf());
    }

    @Test
    void textTowerFeaturesMatchPyTorch() throws IOException {
        HfTextInit init = HfTextInit.open(Fixtures.path(FOLDER));
        ElixrCConfig cfg = init.configure(BASE);
        ElixrC model = new ElixrC(cfg, new SplitMix64(3));
        init.load(model);
        model.eval();
        JsonNode in = JSON.readTree(Fixtures.path(FOLDER + "/inputs.json").toFile());
        List<String> texts = new ArrayList<>();
        in.get("texts").forEach(t -> texts.add(t.asText()));
        List<Encoding> enc = init.tokenizer().encodeBatch(texts, cfg.text().maxTokens());
        int b = enc.size(), t = enc.getFirst().length();
        int[] ids = new int[b * t], mask = new int[b * t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                ids[r * t + i] = enc.get(r).ids()[i];
                mask[r * t + i] = enc.get(r).attentionMask()[i];
                assertEquals(in.get("input_ids").get(r).get(i).asInt(), ids[r * t + i], "text " + r + " token " + i);
                assertEquals(in.get("attention_mask").get(r).get(i).asInt(), mask[r * t + i], "text " + r + " mask " + i);
            }
        }
        try (var g = GradMode.noGrad()) {
            Tensor features = model.textEncoder().features(new TokenBatch(ids, mask, b, t)).value();
            assertClose("elixr-c text tower from HF BERT", npy(FOLDER + "/text_features.npy"), features);
        }
    }

    @Test
    void loadedWeightsLiveOnTheHeapAndLeaveTheRestOfTheModelAlone() {
        HfTextInit init = HfTextInit.open(Fixtures.path(FOLDER));
        ElixrCConfig cfg = init.configure(BASE);
        ElixrC a = new ElixrC(cfg, new SplitMix64(3)), b = new ElixrC(cfg, new SplitMix64(3));
        init.load(a);
        Map<String, Tensor> sa = a.stateDict(), sb = b.stateDict();
        int text = 0;
        for (String k : sa.keySet()) {
            if (k.startsWith("text_encoder.")) {
                text++;
                assertFalse(sa.get(k).storage() instanceof SegmentStorage, k + " must not stay memory-mapped");
            } else {
                assertArrayEquals(sb.get(k).contiguous().toFloatArray(), sa.get(k).contiguous().toFloatArray(), 0f, k);
            }
        }
        assertEquals(5 + 16 * 2, text, "embeddings (3 tables + norm) and 16 tensors per layer");
        Tensor words = sa.get("text_encoder.bert.embeddings.word_embeddings.weight");
        Tensor hf = HfFolder.open(Fixtures.path(FOLDER)).weights().get("bert.embeddings.word_embeddings.weight");
        assertArrayEquals(hf.contiguous().toFloatArray(), words.contiguous().toFloatArray(), 0f);
    }

    @Test
    void caseFollowsTokenizerConfigThenConfig() throws IOException {
        Path dir = copy(Fixtures.path(FOLDER));
        Files.delete(dir.resolve("tokenizer_config.json"));
        assertTrue(HfTextInit.open(dir).tokenizer().lowercase(), "BERT uncased by default");
        editConfig(dir, c -> c.put("do_lower_case", false));
        HfTextInit cased = HfTextInit.open(dir);
        assertFalse(cased.tokenizer().lowercase());
        assertTrue(cased.configure(BASE).text().cased());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": true}");
        assertTrue(HfTextInit.open(dir).tokenizer().lowercase(), "tokenizer_config.json first");
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path noConfig = copy(Fixtures.path(FOLDER));
        Files.delete(noConfig.resolve("config.json"));
        assertMessage(noConfig, "config.json");
        Path noVocab = copy(Fixtures.path(FOLDER));
        Files.delete(noVocab.resolve("vocab.txt"));
        assertMessage(noVocab, "vocab.txt");
        Path noWeights = copy(Fixtures.path(FOLDER));
        Files.delete(noWeights.resolve("model.safetensors.index.json"));
        assertMessage(noWeights, "model.safetensors");
        assertMessage(tmp.resolve("nowhere"), "does not exist");
    }

    @Test
    void otherModelTypesAndBadVocabulariesAreRefused() throws IOException {
        Path vit = copy(Fixtures.path(FOLDER));
        editConfig(vit, c -> c.put("model_type", "vit"));
        String m = assertMessage(vit, "model_type 'vit'");
        assertTrue(m.contains(vit.resolve("config.json").toString()), m);
        Path small = copy(Fixtures.path(FOLDER));
        editConfig(small, c -> c.put("vocab_size", 100));
        assertMessage(small, "175 tokens but config.json vocab_size is 100");
        Path noPad = copy(Fixtures.path(FOLDER));
        Files.writeString(noPad.resolve("vocab.txt"), "[UNK]\n[CLS]\n[SEP]\nthe\n");
        assertMessage(noPad, "lacks the special token [PAD]");
    }

    @Test
    void mismatchedTensorsAreAllListedWithTheFile() throws IOException {
        Path dir = copy(Fixtures.path(FOLDER));
        editConfig(dir, c -> c.put("intermediate_size", 40));
        HfTextInit init = HfTextInit.open(dir);
        ElixrC model = new ElixrC(init.configure(BASE), new SplitMix64(1));
        var e = assertThrows(WeightLoadException.class, () -> init.load(model));
        assertEquals(6, e.problems().size(), e.getMessage());
        for (String p : e.problems()) assertTrue(e.getMessage().contains(p), p);
        assertTrue(e.getMessage().contains("encoder.layer.1.output.dense.weight: expected [32,40], found [32,48]"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("model.safetensors.index.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("do not fit the BERT text tower that " + dir.resolve("config.json") + " describes"), e.getMessage());

        Path single = copy(Fixtures.path(FOLDER));
        Map<String, Tensor> w = new LinkedHashMap<>(HfFolder.open(single).weights());
        w.remove("bert.encoder.layer.0.attention.self.key.bias");
        w.put("bert.encoder.layer.0.attention.self.extra", Tensor.zeros(3));
        for (Path p : list(single)) if (p.getFileName().toString().startsWith("model")) Files.delete(p);
        Safetensors.write(single.resolve("model.safetensors"), w);
        HfTextInit broken = HfTextInit.open(single);
        var e2 = assertThrows(WeightLoadException.class, () -> broken.load(new ElixrC(broken.configure(BASE), new SplitMix64(1))));
        assertEquals(2, e2.problems().size(), e2.getMessage());
        assertTrue(e2.getMessage().contains("missing encoder.layer.0.attention.self.key.bias"), e2.getMessage());
        assertTrue(e2.getMessage().contains("unexpected encoder.layer.0.attention.self.extra"), e2.getMessage());
        assertTrue(e2.getMessage().contains(single.resolve("model.safetensors").toString()), e2.getMessage());
    }

    private String assertMessage(Path dir, String expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> HfTextInit.open(dir));
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
        return e.getMessage();
    }

    private Path copy(Path src) throws IOException {
        Path dst = Files.createTempDirectory(tmp, "hf");
        for (Path p : list(src)) Files.copy(p, dst.resolve(p.getFileName()));
        return dst;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static void editConfig(Path dir, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(c);
        JSON.writeValue(dir.resolve("config.json").toFile(), c);
    }
}
