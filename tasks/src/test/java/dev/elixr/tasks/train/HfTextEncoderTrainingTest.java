package dev.elixr.tasks.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.models.text.Vocab;
import dev.elixr.models.text.WordPieceTokenizer;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code elixr train elixr-c --text-encoder DIR}: the text tower starts from a Hugging Face BERT folder (here a random
 * one written in HF layout; PyTorch parity of the loaded tower is models' HfTextInitTest), trains, and the run stands
 * alone: it reloads and embeds texts the same without the folder.
 */
class HfTextEncoderTrainingTest {
    @TempDir static Path tmp;
    static Path data;
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    static final List<String> TEXTS = List.of("No pleural effusion.", "Large left pleural effusion.", "Cardiomegaly.", "");

    @BeforeAll static void makeData() throws Exception {
        data = tmp.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(48, 3).withSize(32).withProgress(false));
    }

    /** A BERT folder as the Hub has them: bert.* names with a pooler, gelu_new, 40 positions, a cased vocabulary
     *  (specials, the report words in reverse order, then upper-case letters), do_lower_case false. */
    static Path hfFolder(String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        var reports = MimicCxrJpg.read(data).stream().map(s -> ReportText.findingsAndImpression(s.report())).toList();
        Vocab built = ReportVocabulary.build(reports, 1);
        List<String> tokens = new ArrayList<>(), words = new ArrayList<>();
        for (int i = 0; i < built.size(); i++) (i < 5 ? tokens : words).add(built.token(i));
        Collections.reverse(words);
        tokens.addAll(words);
        for (char c = 'A'; c <= 'Z'; c++) tokens.add(Character.toString(c));
        Files.write(dir.resolve("vocab.txt"), tokens, StandardCharsets.UTF_8);
        BertConfig bert = new BertConfig(tokens.size() + 2, 24, 2, 3, 40, 40, 2, 1e-12f, 0.1f, 0, true, new int[0], 24, Activation.GELU_TANH);
        Map<String, Tensor> w = new LinkedHashMap<>();
        new BertEncoder(bert, new SplitMix64(77)).stateDict().forEach((k, t) -> w.put("bert." + k, t));
        w.put("cls.predictions.bias", Tensor.zeros(bert.vocabSize()));
        Safetensors.write(dir.resolve("model.safetensors"), w);
        var json = new ObjectMapper();
        json.writeValue(dir.resolve("config.json").toFile(), Map.of("model_type", "bert", "vocab_size", bert.vocabSize(),
                "hidden_size", 24, "num_hidden_layers", 2, "num_attention_heads", 3, "intermediate_size", 40,
                "max_position_embeddings", 40, "hidden_act", "gelu_new"));
        json.writeValue(dir.resolve("tokenizer_config.json").toFile(), Map.of("do_lower_case", false));
        return dir;
    }

    static ContrastiveTraining.Outcome train(Path out, Path textEncoder, boolean resume, long stopAfter) throws Exception {
        var cfg = new ContrastiveTraining.Config(new ContrastiveTraining.Data(1, 8, true),
                new ContrastiveTraining.Optimisation(3e-3, 0.1, 0.2, 1.0), null,
                new ContrastiveTraining.Session(5, resume, 2, stopAfter));
        var model = ContrastiveTrainingTest.tiny(10);  // the text part is replaced by the folder's
        return ElixrCTrainingJob.run(ElixrCTrainingJob.Options.of(data, out, model, cfg).withTextEncoder(textEncoder.toString()), "test", QUIET);
    }

    static Map<String, Tensor> textWeights(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, t) -> { if (k.startsWith("text_encoder.bert.")) out.put(k.substring("text_encoder.bert.".length()), t); });
        return out;
    }

    @Test void initialTextTowerIsTheFolders() throws Exception {
        Path hf = hfFolder("hf-init");
        Path out = tmp.resolve("init");
        train(out, hf, false, 1);
        ElixrCConfig cfg = ElixrCRun.readConfig(out);
        var model = ElixrCTrainingJob.initialModel(cfg, 5, false, QUIET);
        Map<String, Tensor> expected = new LinkedHashMap<>(Safetensors.read(hf.resolve("model.safetensors")));
        expected.keySet().removeIf(k -> !k.startsWith("bert.encoder") && !k.startsWith("bert.embeddings"));
        Map<String, Tensor> ours = textWeights(model.stateDict());
        assertEquals(expected.size(), ours.size());
        expected.forEach((k, t) -> assertArrayEquals(t.contiguous().toFloatArray(),
                ours.get(k.substring("bert.".length())).contiguous().toFloatArray(), 0f, k));
    }

    @Test void runTrainedFromAFolderReloadsWithoutIt() throws Exception {
        Path hf = hfFolder("hf-train");
        Path out = tmp.resolve("trained");
        var o = train(out, hf, false, 0);
        assertEquals(4, o.totalSteps(), "38 training images, batches of 8, one epoch");
        assertEquals(o.totalSteps(), o.steps());

        ElixrCConfig cfg = ElixrCRun.readConfig(out);
        assertEquals(hf.toAbsolutePath().normalize().toString(), cfg.text().encoder());
        assertTrue(cfg.text().cased());
        assertEquals(List.of(24, 2, 3, 40, 40, 2), List.of(cfg.text().bert().hidden(), cfg.text().bert().layers(), cfg.text().bert().heads(),
                cfg.text().bert().intermediate(), cfg.text().bert().maxPositions(), cfg.text().bert().typeVocab()));
        assertEquals(40, cfg.text().maxTokens(), "48 tokens of the base config, cut to the folder's 40 positions");
        assertEquals(Activation.GELU_TANH, cfg.text().bert().activation());
        assertEquals(Files.readAllLines(hf.resolve("vocab.txt")), Files.readAllLines(out.resolve(ElixrCRun.VOCAB)));

        Map<String, Tensor> init = Safetensors.read(hf.resolve("model.safetensors"));
        Map<String, Tensor> trained = textWeights(o.model().stateDict());
        float[] before = init.get("bert.encoder.layer.0.attention.self.query.weight").contiguous().toFloatArray();
        float[] after = trained.get("encoder.layer.0.attention.self.query.weight").contiguous().toFloatArray();
        assertFalse(Arrays.equals(before, after), "the text tower trained");

        var inMemory = new ElixrCRun(out, o.model(), new WordPieceTokenizer(Vocab.read(out.resolve(ElixrCRun.VOCAB)), false))
                .embedTexts(TEXTS);
        Files.move(hf, tmp.resolve("hf-train-moved"));
        ElixrCRun run = ElixrCRun.load(out);
        assertFalse(run.tokenizer().lowercase(), "the folder's do_lower_case false is kept");
        assertEquals(List.of("L", "##a", "##r", "##g", "##e", "left", "pleural", "effusion", "."),
                run.tokenizer().tokenize("Large left pleural effusion."), "cased: the vocabulary has no \"Large\"");
        float[][] reloaded = run.embedTexts(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) assertArrayEquals(inMemory[i], reloaded[i], 1e-5f, TEXTS.get(i));
    }

    @Test void resumeNeedsTheFolderOnlyBeforeTheFirstCheckpoint() throws Exception {
        Path hf = hfFolder("hf-resume");
        Path out = tmp.resolve("resumed");
        assertEquals(3, train(out, hf, false, 3).steps());
        Path moved = tmp.resolve("hf-resume-moved");
        Files.move(hf, moved);
        var b = train(out, moved, true, 0);  // the spec's folder is used, not this argument: it is gone, the checkpoint suffices
        assertEquals(2, b.resumedFrom());
        assertEquals(4, b.steps());
        var straight = train(tmp.resolve("straight"), hfFolder("hf-straight"), false, 0);
        assertEquals(4, straight.steps());
        // bitwise: the kernels give the same bits at every JIT tier (TierDeterminismTest)
        ContrastiveTrainingTest.assertSameTensors(straight.model().stateDict(), b.model().stateDict());

        Path early = tmp.resolve("early");  // killed before its first checkpoint: it must start from the folder again
        ElixrCRun.writeSpec(early, ElixrCRun.readConfig(out), Vocab.read(out.resolve(ElixrCRun.VOCAB)));
        var e = assertThrows(IllegalArgumentException.class, () -> train(early, moved, true, 0));
        assertTrue(e.getMessage().contains(hf.toAbsolutePath().normalize() + " (recorded in elixr-c.json) is gone"), e.getMessage());
    }

    @Test void aBadFolderFailsBeforeAnythingIsWritten() throws Exception {
        Path out = tmp.resolve("bad");
        var e = assertThrows(IllegalArgumentException.class, () -> train(out, tmp.resolve("no-such-bert"), false, 0));
        assertTrue(e.getMessage().contains("no-such-bert"), e.getMessage());
        assertFalse(Files.exists(out.resolve(ElixrCRun.CONFIG)));
    }

    /** elixr-c.json files written before the text-tower fields existed still load, with the text tower they had. */
    @Test void oldSpecFilesStillRead() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("old-spec"));
        Files.writeString(dir.resolve(ElixrCRun.CONFIG), """
                {"imageEncoder":"conv","imageSize":32,"convWidths":[4,8],"convBlocksPerStage":1,"imageFeatures":16,
                 "vocabSize":60,"textHidden":16,"textLayers":1,"textHeads":2,"textIntermediate":32,"maxTokens":6,
                 "embedDim":8,"initTemperature":0.07,"minTemperature":0.01}""");
        ElixrCConfig c = ElixrCRun.readConfig(dir);
        assertEquals(new BertConfig(60, 16, 1, 2, 32, 8, 2, 1e-12f, 0f, 0, false, new int[0], 16, Activation.GELU), c.text().bertConfig());
        assertEquals(ImagePreprocessing.standard(32), c.image().preprocessing(), "the preprocessing every such run had");
        assertTrue(c.text().lowercase());
        assertFalse(c.text().fromHf());
        assertEquals(ElixrCConfig.BERT_SMALL, c.text().encoder());

        ElixrCRun.writeSpec(dir, c, new Vocab(List.of("[PAD]")));
        ElixrCConfig again = ElixrCRun.readConfig(dir);
        assertEquals(c, again, "rewritten in the grouped format, read back equal");
    }
}
