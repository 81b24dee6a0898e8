package dev.elixr.tasks.train;

import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.models.qformer.TextPooling;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ELIXR-B stage 1 end to end on a tiny synthetic set and a tiny ELIXR-C run (32×32 images, a 2-stage conv tower). */
class QFormerTrainingTest {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    @TempDir static Path dir;
    static Path data, imageRun;

    @BeforeAll
    static void tinyElixrC() throws Exception {
        data = dir.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(80, 11).withSize(32).withProgress(false).withSplit(0.1, 0.3));
        var texts = MimicCxrJpg.read(data).stream().filter(s -> s.split().equals("train"))
                .map(s -> ReportText.findingsAndImpression(s.report())).toList();
        int vocab = ReportVocabulary.build(texts, 1).size();
        var model = new ElixrCConfig(new ElixrCConfig.Image("conv", ImagePreprocessing.standard(32), new int[] {4, 8}, 1, 16),
                ElixrCConfig.Text.bertSmall(vocab, 16, 1, 2, 32, 48), 8, new ElixrCConfig.Temperature(0.07f, 0.01f));
        var cfg = new ContrastiveTraining.Config(new ContrastiveTraining.Data(1, 16, false),
                new ContrastiveTraining.Optimisation(3e-3, 0.1, 0.2, 1.0), null, new ContrastiveTraining.Session(5, false, 100, 0));
        imageRun = dir.resolve("run-c");
        ElixrCTrainingJob.run(ElixrCTrainingJob.Options.of(data, imageRun, model, cfg), "elixr train elixr-c (test)", QUIET);
    }

    static QFormerTrainingJob.Options options(Path out, int epochs, boolean resume, long stopAfter) {
        return options(out, epochs, 2e-3, resume, stopAfter);
    }

    static QFormerTrainingJob.Options options(Path out, int epochs, double lr, boolean resume, long stopAfter) {
        return new QFormerTrainingJob.Options(data, imageRun, out, QFormerTrainingJob.Shape.tiny(),
                new QFormerTraining.Config(new ContrastiveTraining.Data(epochs, 8, false),
                        new ContrastiveTraining.Optimisation(lr, 0.05, 0.1, 1.0),
                        new ContrastiveTraining.Session(3, resume, 4, stopAfter)));
    }

    @Test
    void stageOneTrainsOnTheSameStudiesInTheIuXrayLayoutAndRefusesCheXpertWhichHasNoReports() throws Exception {
        Path iu = dir.resolve("data-iu");
        SyntheticCxr.generate(iu, SyntheticCxr.Options.of(80, 11).withSize(32).withProgress(false).withSplit(0.1, 0.3)
                .withLayout(CxrDataset.IU_XRAY));
        var mimic = options(dir.resolve("unused"), 1, false, 0);
        var o = new QFormerTrainingJob.Options(iu, imageRun, dir.resolve("run-b-iu"), mimic.shape(), mimic.training(), CxrDataset.IU_XRAY);
        var outcome = QFormerTrainingJob.run(o, "test", QUIET);
        assertTrue(outcome.steps() > 0 && outcome.steps() == outcome.totalSteps(), outcome.steps() + " of " + outcome.totalSteps());
        String runJson = Files.readString(dir.resolve("run-b-iu").resolve("run.json"));
        assertTrue(runJson.contains("\"dataset\" : \"iu-xray\"") || runJson.contains("\"dataset\":\"iu-xray\""), runJson);
        var e = assertThrows(IllegalArgumentException.class, () -> QFormerTrainingJob.run(new QFormerTrainingJob.Options(iu, imageRun,
                dir.resolve("run-b-chexpert"), mimic.shape(), mimic.training(), CxrDataset.CHEXPERT), "test", QUIET));
        assertTrue(e.getMessage().contains("--dataset chexpert has no reports"), e.getMessage());
        var m = assertThrows(java.nio.file.NoSuchFileException.class, () -> QFormerTrainingJob.run(new QFormerTrainingJob.Options(iu,
                imageRun, dir.resolve("run-b-wrong"), mimic.shape(), mimic.training(), CxrDataset.MIMIC), "test", QUIET));
        assertTrue(m.getMessage().contains("pass --dataset iu-xray"), m.getMessage());
    }

    @Test
    void stageOneLossFallsByAtLeast15PercentOverFourEpochs() throws Exception {
        var o = QFormerTrainingJob.run(options(dir.resolve("run-b-falls"), 4, 5e-3, false, 0), "test", QUIET);
        var steps = o.history().steps();
        assertEquals(o.totalSteps(), steps.size());
        double first = steps.subList(0, 3).stream().mapToDouble(TrainingHistory.Step::loss).average().orElseThrow();
        double last = steps.subList(steps.size() - 3, steps.size()).stream().mapToDouble(TrainingHistory.Step::loss).average().orElseThrow();
        assertTrue(last < 0.85 * first, "stage-1 loss " + first + " -> " + last + " did not fall by 15% (measured: 8.13 -> 6.45, 21%)");
        assertTrue(Files.exists(dir.resolve("run-b-falls").resolve(ElixrBRun.WEIGHTS)));
        assertTrue(Files.readString(dir.resolve("run-b-falls/run.json")).contains("\"model\" : \"elixr-b\""));
    }

    @Test
    void stoppedAndResumedRunEndsBitwiseWhereAnUninterruptedRunEndsAndReusesTheTokenCache() throws Exception {
        Path whole = dir.resolve("run-b-whole"), parts = dir.resolve("run-b-parts");
        QFormerTrainingJob.run(options(whole, 2, false, 0), "test", QUIET);
        var stopped = QFormerTrainingJob.run(options(parts, 2, false, 5), "test", QUIET);
        assertEquals(5, stopped.steps());
        assertFalse(Files.exists(parts.resolve(ElixrBRun.WEIGHTS)), "a stopped run must not write final weights");
        Path cache = ImageTokenCache.file(parts, "train");
        var written = Files.getLastModifiedTime(cache);
        var log = new ByteArrayOutputStream();
        var resumed = QFormerTrainingJob.run(options(parts, 2, true, 0), "test", new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(5, resumed.resumedFrom());
        assertEquals(written, Files.getLastModifiedTime(cache), "the train token cache was rewritten");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("train image tokens") && log.toString(StandardCharsets.UTF_8).contains("reused"),
                log.toString(StandardCharsets.UTF_8));
        assertArrayEquals(Files.readAllBytes(whole.resolve(ElixrBRun.WEIGHTS)), Files.readAllBytes(parts.resolve(ElixrBRun.WEIGHTS)));
    }

    @Test
    void tokenCacheMadeForOtherImageRunWeightsIsNotReused() throws Exception {
        Path out = dir.resolve("run-b-cache");
        ElixrCRun c = ElixrCRun.load(imageRun);
        var studies = ElixrCTrainingJob.split(MimicCxrJpg.read(data), "validate");
        var first = ImageTokenCache.load(out, "validate", c, "digest-a", studies, QUIET);
        var again = ImageTokenCache.load(out, "validate", c, "digest-a", studies, QUIET);
        var other = ImageTokenCache.load(out, "validate", c, "digest-b", studies, QUIET);
        assertFalse(first.reused());
        assertTrue(again.reused());
        assertFalse(other.reused());
        assertArrayEquals(first.values(), again.values());
        assertEquals(List.of(8, 8), List.of(first.width(), first.tokens() / 8), "conv tower {4,8} on 32×32: 8×8 tokens of width 8");
    }

    @Test
    void freshRunIntoADirectoryWithCheckpointsIsRefused() throws Exception {
        Path out = dir.resolve("run-b-refuse");
        QFormerTrainingJob.run(options(out, 1, false, 2), "test", QUIET);
        var e = assertThrows(IllegalArgumentException.class, () -> QFormerTrainingJob.run(options(out, 1, false, 0), "test", QUIET));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    }

    @Test
    void resumeWithOtherSettingsIsRefusedNamingEachDifference() throws Exception {
        Path out = dir.resolve("run-b-settings");
        QFormerTrainingJob.run(options(out, 2, false, 2), "test", QUIET);
        assertTrue(Files.readString(out.resolve(TrainingSettings.FILE)).contains("\"--queries\" : \"8\""));
        var e = assertThrows(IllegalArgumentException.class, () -> QFormerTrainingJob.run(options(out, 3, 1e-3, true, 0), "test", QUIET));
        assertTrue(e.getMessage().contains("--epochs 2 (this command: 3)") && e.getMessage().contains("--lr 0.002 (this command: 0.001)"), e.getMessage());
        var wider = new QFormerTrainingJob.Options(data, imageRun, out, new QFormerTrainingJob.Shape(32, 2, 4, 8, 32),
                options(out, 2, true, 0).training());
        var s = assertThrows(IllegalArgumentException.class, () -> QFormerTrainingJob.run(wider, "test", QUIET));
        assertTrue(s.getMessage().contains("--width 64 (this command: 32)"), s.getMessage());
        assertEquals(2, QFormerTrainingJob.run(options(out, 2, true, 3), "test", QUIET).resumedFrom(), "the same settings resume");
    }

    @Test
    void textSideFromTheImageRunAndImagePositionsAreRecordedAndTheFinishedRunLoadsWithThem() throws Exception {
        var base = options(dir.resolve("unused"), 1, false, 0);
        var shape = QFormerTrainingJob.Shape.of(ElixrCRun.readConfig(imageRun).text().bertConfig(), 8, 32);
        Path out = dir.resolve("run-b-text-init");
        var o = new QFormerTrainingJob.Options(data, imageRun, out, shape, base.training())
                .withTextInit(QFormerTrainingJob.TextInit.IMAGE_RUN).withImagePositions(true);
        QFormerTrainingJob.run(o, "test", QUIET);
        String runJson = Files.readString(out.resolve("run.json"));
        assertTrue(runJson.contains("image-run: word/position embeddings"), runJson);
        assertTrue(Files.readString(out.resolve(TrainingSettings.FILE)).contains("--text-init"));
        var run = ElixrBRun.load(out, QUIET);
        assertEquals(64, run.model().imagePositions(), "32×32 through two stride-2 stages: 8×8 tokens");
        assertEquals(16, run.spec().qformer().width());

        var wrong = new QFormerTrainingJob.Options(data, imageRun, dir.resolve("run-b-text-init-wrong"), QFormerTrainingJob.Shape.tiny(),
                base.training()).withTextInit(QFormerTrainingJob.TextInit.IMAGE_RUN);
        var e = assertThrows(IllegalArgumentException.class, () -> QFormerTrainingJob.run(wrong, "test", QUIET));
        assertTrue(e.getMessage().contains("width 64 vs hidden_size 16") && e.getMessage().contains("text tower of ELIXR-C run"), e.getMessage());
    }

    @Test
    void imageSummaryAndCrossAttentionInEveryLayerAreRecordedAndTheFinishedRunLoadsAndEmbedsWithThem() throws Exception {
        var base = options(dir.resolve("unused"), 1, false, 0);
        var shape = QFormerTrainingJob.Shape.of(ElixrCRun.readConfig(imageRun).text().bertConfig(), 8, 32).withCrossAttentionFrequency(1);
        Path out = dir.resolve("run-b-summary");
        var o = new QFormerTrainingJob.Options(data, imageRun, out, shape, base.training())
                .withTextInit(QFormerTrainingJob.TextInit.IMAGE_RUN).withImagePositions(true).withImageSummary(true);
        QFormerTrainingJob.run(o, "test", QUIET);
        String settings = Files.readString(out.resolve(TrainingSettings.FILE));
        assertTrue(settings.contains("--image-summary") && settings.contains("--cross-attention-every"), settings);
        assertTrue(Files.readString(out.resolve("run.json")).contains("a learned linear map of the whole flattened tower map"));
        var run = ElixrBRun.load(out, QUIET);
        assertEquals(64, run.model().imageSummary().tokens(), "the summary reads all 8×8 tokens");
        assertEquals(1, run.spec().qformer().queries().crossAttentionFrequency());
        assertTrue(run.spec().qformer().hasCrossAttention(1), "cross-attention in layer 1 too");
        try (var g = dev.elixr.autograd.GradMode.noGrad()) {
            var tokens = dev.elixr.autograd.Var.of(dev.elixr.tensor.Tensor.randn(4, 2, 64, 8));
            assertEquals(65, run.model().imageTokens(tokens).size(1), "64 tower tokens and the summary");
        }
    }

    /**
     * The pooling choice is saved (elixr-b.json, training.json), a resumed run must repeat it, and the finished run loads
     * with it: its text embeddings are the word-mean feature, not [CLS]. The text projection starts from the image run's.
     */
    @Test
    void wordMeanTextPoolingRoundTripsThroughTheSavedConfigAndResumeAndTheLoadedRunEmbedsWithIt() throws Exception {
        var shape = QFormerTrainingJob.Shape.of(ElixrCRun.readConfig(imageRun).text().bertConfig(), 8, 8);  // ELIXR-C's embedding is 8 wide
        Path out = dir.resolve("run-b-word-mean");
        java.util.function.BiFunction<Boolean, Long, QFormerTrainingJob.Options> opts = (resume, stop) ->
                new QFormerTrainingJob.Options(data, imageRun, out, shape, options(out, 1, resume, stop).training())
                        .withTextInit(QFormerTrainingJob.TextInit.IMAGE_RUN_PROJECTION).withTextPooling(TextPooling.WORD_MEAN);
        QFormerTrainingJob.run(opts.apply(false, 2L), "test", QUIET);
        assertEquals(TextPooling.WORD_MEAN, ElixrBRun.readSpec(out).textPooling());
        assertTrue(Files.readString(out.resolve(ElixrBRun.CONFIG)).contains("\"text_pooling\" : \"word-mean\""));
        assertTrue(Files.readString(out.resolve(TrainingSettings.FILE)).contains("\"--text-pooling\" : \"word-mean\""));
        String runJson = Files.readString(out.resolve("run.json"));
        assertTrue(runJson.contains("text_projection from its text projection") && runJson.contains("word-mean: ITC's text feature"), runJson);

        var cls = opts.apply(true, 0L).withTextPooling(TextPooling.CLS);
        var e = assertThrows(IllegalArgumentException.class, () -> QFormerTrainingJob.run(cls, "test", QUIET));
        assertTrue(e.getMessage().contains("--text-pooling"), e.getMessage());
        QFormerTrainingJob.run(opts.apply(true, 0L), "test", QUIET);

        var run = ElixrBRun.load(out, QUIET);
        assertEquals(TextPooling.WORD_MEAN, run.model().textPooling());
        float[] embedded = run.embedTexts(List.of("the heart is normal in size"))[0];
        var tok = run.imageRun().tokenizer();
        var enc = tok.encode("the heart is normal in size", 128, false);
        var text = new dev.elixr.models.qformer.TextBatch(enc.ids(), enc.attentionMask(), 1, enc.length());
        try (var g = dev.elixr.autograd.GradMode.noGrad()) {
            float[] wordMean = run.model().qformer().textFeature(text, TextPooling.WORD_MEAN).value().toFloatArray();
            float[] first = run.model().qformer().textFeature(text, TextPooling.CLS).value().toFloatArray();
            assertArrayEquals(wordMean, embedded, 1e-6f);
            assertFalse(java.util.Arrays.equals(first, embedded), "not the [CLS] feature");
        }
    }

    @Test
    void aRunFromBeforeTheChoiceLoadsWithClsPooling() throws Exception {
        Path out = dir.resolve("run-b-old-spec");
        QFormerTrainingJob.run(options(out, 1, false, 0), "test", QUIET);
        Path spec = out.resolve(ElixrBRun.CONFIG);
        String withField = Files.readString(spec);
        assertTrue(withField.contains("\"text_pooling\" : \"cls\""), withField);
        Files.writeString(spec, withField.replace(",\n  \"text_pooling\" : \"cls\"", ""));
        assertFalse(Files.readString(spec).contains("text_pooling"));
        assertEquals(TextPooling.CLS, ElixrBRun.load(out, QUIET).model().textPooling());
        Files.writeString(spec, withField.replace("\"cls\"", "\"max\""));
        var e = assertThrows(IllegalArgumentException.class, () -> ElixrBRun.readSpec(out));
        assertTrue(e.getMessage().contains(ElixrBRun.CONFIG) && e.getMessage().contains("expected cls or word-mean"), e.getMessage());
    }

    static QFormerTrainingJob.Options sampled(Path out, QFormerTraining.Texts texts, boolean resume, long stopAfter) {
        var o = options(out, 2, resume, stopAfter);
        return new QFormerTrainingJob.Options(data, imageRun, out, o.shape(), o.training().withTexts(texts));
    }

    @Test
    void sampledTextsOfAStepAreThoseElixrCsSamplerDrawsForTheSameSeedStepAndStudies() throws Exception {
        var c = ElixrCRun.load(imageRun);
        var studies = ElixrCTrainingJob.split(MimicCxrJpg.read(data), "train");
        var pairs = QFormerTrainingJob.pairs(dir.resolve("run-b-sampler"), "train", c, "digest", studies, QUIET);
        var cfg = options(dir.resolve("unused"), 1, false, 0).training().withTexts(new QFormerTraining.Texts(0.5, 0.5));
        int maxTokens = c.model().config().text().maxTokens();
        TextSampler b = QFormerTrainingJob.sampler(cfg, pairs, studies, c.tokenizer(), maxTokens);
        var byId = new java.util.HashMap<String, dev.elixr.tasks.data.CxrStudy>();
        for (var s : studies) byId.put(s.dicomId(), s);
        var ordered = pairs.images().ids().stream().map(byId::get).toList();
        // ELIXR-C's sampler with stage 1's probabilities (stage 1 drops no negated sentences)
        var elixrC = new TextSampler(c.tokenizer(), ordered, pairs.texts(),
                new ContrastiveObjective(dev.elixr.models.elixr.DuplicatePolicy.MASK, DuplicateKey.TEXT, 0, 0.5, 0.5), maxTokens, cfg.seed());
        int[] rows = java.util.stream.IntStream.range(0, pairs.count()).toArray();
        int changed = 0;
        for (long step : new long[] {0, 7}) {
            var got = b.batch(rows, step);
            var want = elixrC.batch(rows, step);
            assertArrayEquals(want.groups(), got.groups());
            for (int r = 0; r < rows.length; r++) {
                int[] g = got.encodings().get(got.rows()[r]).ids(), w = want.encodings().get(want.rows()[r]).ids();
                assertArrayEquals(w, g, "step " + step + ", row " + r);
                if (!java.util.Arrays.equals(g, pairs.texts().get(r).ids())) changed++;
            }
        }
        assertTrue(changed > rows.length / 2, changed + " of " + 2 * rows.length + " texts differ from the full report");
        assertNull(QFormerTrainingJob.sampler(cfg.withTexts(QFormerTraining.Texts.FULL), pairs, studies, c.tokenizer(), maxTokens),
                "full reports: no sampler");
    }

    @Test
    void sampledTextsAreRecordedCheckedOnResumeResumeBitwiseAndChangeWhatIsLearnt() throws Exception {
        var texts = new QFormerTraining.Texts(0.5, 0.5);
        Path whole = dir.resolve("run-b-sampled-whole"), parts = dir.resolve("run-b-sampled-parts"), full = dir.resolve("run-b-sampled-full");
        QFormerTrainingJob.run(sampled(whole, texts, false, 0), "test", QUIET);
        QFormerTrainingJob.run(sampled(parts, texts, false, 5), "test", QUIET);
        String settings = Files.readString(parts.resolve(TrainingSettings.FILE));
        assertTrue(settings.contains("\"--impression-only\" : \"0.5\"") && settings.contains("\"--sentence-sampling\" : \"0.5\""), settings);
        String runJson = Files.readString(parts.resolve("run.json"));
        assertTrue(runJson.contains("impression alone with probability 0.5") && runJson.contains("\"impressionOnly\" : 0.5"), runJson);
        var e = assertThrows(IllegalArgumentException.class, () -> QFormerTrainingJob.run(sampled(parts, QFormerTraining.Texts.FULL, true, 0), "test", QUIET));
        assertTrue(e.getMessage().contains("--impression-only 0.5 (this command: 0.0)") && e.getMessage().contains("--sentence-sampling 0.5 (this command: 0.0)"),
                e.getMessage());
        QFormerTrainingJob.run(sampled(parts, texts, true, 0), "test", QUIET);
        assertArrayEquals(Files.readAllBytes(whole.resolve(ElixrBRun.WEIGHTS)), Files.readAllBytes(parts.resolve(ElixrBRun.WEIGHTS)),
                "stopped at step 5 and resumed: the same weights as the uninterrupted run");
        QFormerTrainingJob.run(sampled(full, QFormerTraining.Texts.FULL, false, 0), "test", QUIET);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(whole.resolve(ElixrBRun.WEIGHTS)), Files.readAllBytes(full.resolve(ElixrBRun.WEIGHTS))),
                "training on sampled texts learns other weights than on the full reports");
        assertTrue(Files.readString(full.resolve("run.json")).contains("the full reports (findings and impression)"));
    }

    static QFormerTrainingJob.Options centred(Path out, boolean centre, boolean resume, long stopAfter) {
        var o = options(out, 2, resume, stopAfter);
        return new QFormerTrainingJob.Options(data, imageRun, out, QFormerTrainingJob.Shape.tiny().withQueries(4), o.training()).withCentreQueries(centre);
    }

    @Test
    void centredQueriesAreRecordedCheckedOnResumeResumeBitwiseAndTheLoadedRunEmbedsOnTheSavedRunningMean() throws Exception {
        Path whole = dir.resolve("run-b-centred-whole"), parts = dir.resolve("run-b-centred-parts"), plain = dir.resolve("run-b-centred-plain");
        QFormerTrainingJob.run(centred(whole, true, false, 0), "test", QUIET);
        QFormerTrainingJob.run(centred(parts, true, false, 5), "test", QUIET);
        assertTrue(Files.readString(parts.resolve(TrainingSettings.FILE)).contains("\"--itc-centre-queries\" : \"true\""));
        assertTrue(Files.readString(parts.resolve(ElixrBRun.CONFIG)).contains("\"itc_centre_queries\" : true"));
        assertTrue(Files.readString(parts.resolve("run.json")).contains("true: ITC's query embeddings minus each query's mean"));
        var e = assertThrows(IllegalArgumentException.class, () -> QFormerTrainingJob.run(centred(parts, false, true, 0), "test", QUIET));
        assertTrue(e.getMessage().contains("--itc-centre-queries true (this command: false)"), e.getMessage());
        QFormerTrainingJob.run(centred(parts, true, true, 0), "test", QUIET);
        assertArrayEquals(Files.readAllBytes(whole.resolve(ElixrBRun.WEIGHTS)), Files.readAllBytes(parts.resolve(ElixrBRun.WEIGHTS)),
                "stopped at step 5 and resumed: the same weights and running mean as the uninterrupted run");

        QFormerTrainingJob.run(centred(plain, false, false, 0), "test", QUIET);
        assertFalse(Files.readString(plain.resolve(ElixrBRun.CONFIG)).contains("itc_centre_queries"));
        assertTrue(Files.readString(plain.resolve(TrainingSettings.FILE)).contains("\"--itc-centre-queries\" : \"false\""));
        assertNull(ElixrBRun.load(plain, QUIET).model().queryCentring());

        var run = ElixrBRun.load(whole, QUIET);
        var centring = run.model().queryCentring();
        float[] mean = centring.runningMean().toFloatArray();
        assertEquals(4 * 32, mean.length);
        double size = 0;
        for (float m : mean) size += Math.abs(m);
        assertTrue(size > 1, "a running mean was learnt and saved: sum of |μ| " + size);
        var towerTokens = dev.elixr.autograd.Var.of(dev.elixr.tensor.Tensor.randn(3, 1, 5, run.spec().qformer().queries().imageWidth()));
        try (var g = dev.elixr.autograd.GradMode.noGrad()) {
            float[] z = run.model().qformer().imageFeatures(run.model().queryOutputs(towerTokens)).value().contiguous().toFloatArray();
            float[] got = run.model().embedImages(towerTokens).value().contiguous().toFloatArray();
            for (int q = 0; q < 4; q++) {
                double norm = 0;
                for (int p = 0; p < 32; p++) norm += Math.pow(z[q * 32 + p] - mean[q * 32 + p], 2);
                for (int p = 0; p < 32; p++)
                    assertEquals((z[q * 32 + p] - mean[q * 32 + p]) / Math.sqrt(norm), got[q * 32 + p], 1e-5, "query " + q + ", element " + p);
            }
        }
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(whole.resolve(ElixrBRun.WEIGHTS)), Files.readAllBytes(plain.resolve(ElixrBRun.WEIGHTS))),
                "centred ITC learns other weights than BLIP-2's");
    }

    @Test
    void itcOnTheFirstQueryIsRecordedCheckedOnResumeAndTheLoadedRunEmbedsImagesByThatQueryAlone() throws Exception {
        Path out = dir.resolve("run-b-itc-queries");
        java.util.function.BiFunction<Integer, Boolean, QFormerTrainingJob.Options> opts = (k, resume) -> {
            var o = options(out, 1, resume, 0);
            return new QFormerTrainingJob.Options(data, imageRun, out, QFormerTrainingJob.Shape.tiny().withQueries(4), o.training()).withItcQueries(k);
        };
        QFormerTrainingJob.run(opts.apply(1, false), "test", QUIET);
        assertTrue(Files.readString(out.resolve(TrainingSettings.FILE)).contains("\"--itc-queries\" : \"1\""));
        assertTrue(Files.readString(out.resolve(ElixrBRun.CONFIG)).contains("\"itc_queries\" : 1"));
        assertTrue(Files.readString(out.resolve("run.json")).contains("read the first 1 of the 4 queries"));
        var e = assertThrows(IllegalArgumentException.class, () -> QFormerTrainingJob.run(opts.apply(0, true), "test", QUIET));
        assertTrue(e.getMessage().contains("--itc-queries 1 (this command: 0)"), e.getMessage());
        var run = ElixrBRun.load(out, QUIET);
        assertEquals(1, run.model().itcQueries());
        var tokens = dev.elixr.autograd.Var.of(dev.elixr.tensor.Tensor.randn(3, 2, 5, run.spec().qformer().queries().imageWidth()));
        try (var g = dev.elixr.autograd.GradMode.noGrad()) {
            assertArrayEquals(new int[] {2, 1, 32}, run.model().embedImages(tokens).shape());
            assertArrayEquals(new int[] {2, 4, 64}, run.model().queryOutputs(tokens).shape(), "stage 2 and the probes read all four queries");
        }
        var bad = assertThrows(IllegalArgumentException.class, () -> opts.apply(5, false));
        assertTrue(bad.getMessage().contains("--itc-queries 5: between 1 and --queries 4"), bad.getMessage());
    }

    @Test
    void textProbabilitiesOutsideZeroOneAreRefusedNamingTheOption() {
        var e = assertThrows(IllegalArgumentException.class, () -> new QFormerTraining.Texts(1.5, 0));
        assertTrue(e.getMessage().contains("--impression-only 1.5"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> new QFormerTraining.Texts(0, -0.1));
        assertTrue(f.getMessage().contains("--sentence-sampling -0.1"), f.getMessage());
    }
}
