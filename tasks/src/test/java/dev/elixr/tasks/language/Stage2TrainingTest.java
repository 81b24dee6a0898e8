package dev.elixr.tasks.language;

import dev.elixr.autograd.io.Safetensors;
import dev.elixr.models.llm.BpeTokenizer;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.models.qformer.LanguageProjection;
import dev.elixr.models.softprompt.VisionLanguageModel;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.train.Checkpoints;
import dev.elixr.tasks.train.ElixrBRun;
import dev.elixr.tasks.train.TrainingDivergedException;
import dev.elixr.tasks.train.TrainingHistory;
import dev.elixr.tasks.testing.WithThreads;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ELIXR-B stage 2 end to end on the tiny fixture: the answer loss falls, a stopped run resumes bitwise, the evaluations write their files. */
class Stage2TrainingTest {
    @TempDir static Path dir;
    static Stage2Fixture f;

    @BeforeAll
    static void fixture() throws Exception { f = Stage2Fixture.create(dir); }

    @Test
    void answerLossOfTheQuestionsFallsByAtLeast8PercentOverFortySteps() throws Exception {
        Path out = dir.resolve("run-b2-learns");
        var o = Stage2Job.run(f.options(out, TaskMix.parse("vqa=1"), 40, 2e-2, false, 0), "test", Stage2Fixture.QUIET);
        List<TrainingHistory.Step> steps = o.history().steps();
        assertEquals(40, steps.size());
        double first = steps.subList(0, 5).stream().mapToDouble(TrainingHistory.Step::loss).average().orElseThrow();
        double last = steps.subList(35, 40).stream().mapToDouble(TrainingHistory.Step::loss).average().orElseThrow();
        // the host is a random frozen 1-layer LLM, steerable only through its attention to the soft prompt
        assertTrue(last < 0.92 * first, "answer loss " + first + " -> " + last + " did not fall by 8% (measured: 7.26 -> 6.53, 10%)");
        assertTrue(Files.exists(out.resolve(ElixrB2Run.WEIGHTS)));
        assertTrue(Files.readString(out.resolve("run.json")).contains("\"model\" : \"elixr-b-stage2\""));
        assertEquals(1, o.history().epochs().size(), "one validation, at the end");
        assertTrue(Double.isFinite(o.history().epochs().get(0).valLoss()));
    }

    @Test
    void stoppedAndResumedRunEndsBitwiseWhereAnUninterruptedRunEnds() throws Exception {
        Path whole = dir.resolve("run-b2-whole"), parts = dir.resolve("run-b2-parts");
        Stage2Job.run(f.options(whole, 6, 5e-3, false, 0), "test", Stage2Fixture.QUIET);
        var stopped = Stage2Job.run(f.options(parts, 6, 5e-3, false, 3), "test", Stage2Fixture.QUIET);
        assertEquals(3, stopped.steps());
        assertFalse(Files.exists(parts.resolve(ElixrB2Run.WEIGHTS)), "a stopped run must not write final weights");
        var log = new ByteArrayOutputStream();
        var resumed = Stage2Job.run(f.options(parts, 6, 5e-3, true, 0), "test", new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("resumed from step"), log.toString(StandardCharsets.UTF_8));
        assertEquals(3, resumed.resumedFrom(), "the stopped session checkpoints at its last step");
        Map<String, Tensor> a = Safetensors.read(whole.resolve(ElixrB2Run.WEIGHTS)), b = Safetensors.read(parts.resolve(ElixrB2Run.WEIGHTS));
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), 0f, k);
    }

    @Test
    void aRunWhoseShardsRanSideBySideOnTwoThreadsEndsBitwiseWhereARunOnOneThreadEnds() throws Exception {
        Path two = dir.resolve("run-b2-two-threads"), one = dir.resolve("run-b2-one-thread");
        WithThreads.run(2, () -> Stage2Job.run(f.options(two, 4, 5e-3, false, 0), "test", Stage2Fixture.QUIET));
        WithThreads.run(1, () -> Stage2Job.run(f.options(one, 4, 5e-3, false, 0), "test", Stage2Fixture.QUIET));
        Map<String, Tensor> a = Safetensors.read(two.resolve(ElixrB2Run.WEIGHTS)), b = Safetensors.read(one.resolve(ElixrB2Run.WEIGHTS));
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), 0f, k);
    }

    @Test
    void aNaNInTheAdapterStopsTheRunNamingTheParameterAndWritesADiagnosticCheckpoint() throws Exception {
        Path out = dir.resolve("run-b2-nan");
        ElixrBRun stage1 = ElixrBRun.load(f.stage1Run(), Stage2Fixture.QUIET);
        LlamaModel llm = LlamaModel.load(f.llm());
        var spec = new ElixrB2Run.Spec(f.stage1Run(), "", f.llm(), "", LanguageProjection.Kind.MLP, false, 24);
        VisionLanguageModel model = ElixrB2Run.build(stage1, llm, spec, new SplittableRandom(1));
        var w = model.projection().namedParameters().get("fc1.weight");
        float[] v = w.value().toFloatArray();
        v[3] = Float.NaN;
        w.assign(Tensor.of(v, w.shape()));
        var encoder = new InstructionEncoder(BpeTokenizer.forModel(f.llm()), llm.config(), model.softTokens(), 24);
        List<CxrStudy> all = MimicCxrJpg.read(f.data());
        ImageTokens images = Stage2Job.tokens(out, "train", stage1, all, Stage2Fixture.QUIET);
        Map<LanguageTask, List<Instruction>> train = new java.util.EnumMap<>(LanguageTask.class);
        InstructionSet.read(f.data(), all).split("train").forEach((t, items) -> train.put(t, images.readable(items)));
        var data = new Stage2Training.Data(new MixedBatches(train, TaskMix.standard(), 1), images, List.of(), images);
        var cfg = f.options(out, 4, 1e-3, false, 0).training();
        var e = assertThrows(TrainingDivergedException.class,
                () -> Stage2Training.train(model, encoder, data, cfg, new Checkpoints(out, 2), Stage2Fixture.QUIET));
        assertTrue(e.getMessage().contains("language_projection.fc1.weight") && e.getMessage().contains("step 1"), e.getMessage());
        assertTrue(Files.exists(out.resolve("diagnostics")), "a diagnostic checkpoint");
    }

    @Test
    void resumeWithAnotherAdapterIsRefusedNamingIt() throws Exception {
        Path out = dir.resolve("run-b2-refuse");
        Stage2Job.run(f.options(out, 4, 5e-3, false, 2), "test", Stage2Fixture.QUIET);
        var o = f.options(out, 4, 5e-3, true, 0);
        var other = new Stage2Job.Options(o.data(), o.stage1Run(), o.llm(), o.out(), dev.elixr.models.qformer.LanguageProjection.Kind.LINEAR,
                o.trainQFormer(), o.mix(), o.maxAnswerTokens(), o.validationItems(), o.training());
        var e = assertThrows(IllegalArgumentException.class, () -> Stage2Job.run(other, "test", Stage2Fixture.QUIET));
        assertTrue(e.getMessage().contains("--adapter mlp"), e.getMessage());
    }

    @Test
    void questionRepeatsAreRecordedInTrainingJsonAndAResumeWithoutThemIsRefused() throws Exception {
        Path out = dir.resolve("run-b2-repeats");
        var repeats = QuestionRepeats.parse("laterality=3,severity=2");
        Stage2Job.run(f.options(out, TaskMix.parse("vqa=1"), 4, 5e-3, false, 2).withVqaRepeats(repeats), "test", Stage2Fixture.QUIET);
        assertTrue(Files.readString(out.resolve("training.json")).contains("\"--vqa-repeats\" : \"laterality=3,severity=2\""));
        assertTrue(Files.readString(out.resolve("run.json")).contains("\"vqa_repeats\" : \"laterality=3,severity=2\""));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Stage2Job.run(f.options(out, TaskMix.parse("vqa=1"), 4, 5e-3, true, 0), "test", Stage2Fixture.QUIET));
        assertTrue(e.getMessage().contains("--vqa-repeats laterality=3,severity=2 (this command: none)"), e.getMessage());
        Stage2Job.run(f.options(out, TaskMix.parse("vqa=1"), 4, 5e-3, true, 0).withVqaRepeats(repeats), "test", Stage2Fixture.QUIET);
        assertTrue(Files.exists(out.resolve(ElixrB2Run.WEIGHTS)), "resumed with the same repeats to the end");
    }

    @Test
    void evaluationsWriteMetricsWithTheTextOnlyBaselineBesideThem() throws Exception {
        Path out = dir.resolve("run-b2-eval");
        Stage2Job.run(f.options(out, 4, 5e-3, false, 0), "test", Stage2Fixture.QUIET);
        ElixrB2Run run = ElixrB2Run.load(out, Stage2Fixture.QUIET);
        for (LanguageTask t : LanguageTask.values()) {
            var m = LanguageEvaluation.run(run, t, new LanguageEvaluation.Options(f.data(), "test", 5, 6, 1), "test", Stage2Fixture.QUIET);
            assertEquals(5, m.get("items"));
            assertTrue(m.containsKey("image") && m.containsKey("text_only_baseline"), m.toString());
            Path d = out.resolve("eval").resolve(t.id());
            for (String file : new String[] {"metrics.json", "items.csv", "manifest.json", "eval.json"}) assertTrue(Files.exists(d.resolve(file)), file);
            assertEquals(6, Files.readAllLines(d.resolve("items.csv")).size(), "a header and 5 items");
            if (t == LanguageTask.IMPRESSION)
                for (String side : new String[] {"image", "text_only_baseline"})
                    for (String k : new String[] {"macro_f1", "bleu4", "rouge_l", "by_finding"})
                        assertTrue(((Map<?, ?>) m.get(side)).containsKey(k), side + " lacks " + k + ": " + m);
        }
    }

    @Test
    void aRunTaughtInTwoStepsIsRecordedSoAndItsReportChecksAreAnsweredAfterAGeneratedStatement() throws Exception {
        Path out = dir.resolve("run-b2-two-steps");
        Stage2Job.run(f.options(out, TaskMix.parse("report-qa=1"), 4, 5e-3, false, 0).withStatementFirst(true), "test", Stage2Fixture.QUIET);
        ElixrB2Run run = ElixrB2Run.load(out, Stage2Fixture.QUIET);
        assertTrue(run.spec().statementFirst());
        var r = LanguageEvaluation.evaluate(run, LanguageTask.REPORT_QA, new LanguageEvaluation.Options(f.data(), "test", 5, 6, 1), "test", Stage2Fixture.QUIET);
        assertEquals(5, r.answered().size());
        for (var a : r.answered()) {
            assertTrue(a.item().prompt().startsWith(ImageFindings.OPEN) && !a.item().type().equals(ImageFindings.ITEM_TYPE), a.item().toString());
            for (String answer : new String[] {a.answer(), a.baseline()})
                assertTrue(answer.startsWith(ImageFindings.OPEN) && answer.contains(ImageFindings.END), "no statement before the verdict: " + answer);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Stage2Job.run(f.options(out, TaskMix.parse("report-qa=1"), 4, 5e-3, true, 0), "test",
                Stage2Fixture.QUIET));
        assertTrue(e.getMessage().contains("--statement-first"), e.getMessage());
    }

    @Test
    void impressionIsEvaluatedOnAnIuXrayLayoutAndTheDataSetIsRecorded() throws Exception {
        Path out = dir.resolve("run-b2-iu"), iu = dir.resolve("data-iu");
        Stage2Job.run(f.options(out, 2, 5e-3, false, 0), "test", Stage2Fixture.QUIET);
        dev.elixr.tasks.data.synth.SyntheticCxr.generate(iu, dev.elixr.tasks.data.synth.SyntheticCxr.Options.of(30, 14).withSize(32)
                .withProgress(false).withSplit(0.15, 0.4).withLayout(CxrDataset.IU_XRAY));
        ElixrB2Run run = ElixrB2Run.load(out, Stage2Fixture.QUIET);
        var m = LanguageEvaluation.run(run, LanguageTask.IMPRESSION, new LanguageEvaluation.Options(iu, CxrDataset.IU_XRAY, "test", 3, 6, 1),
                "test", Stage2Fixture.QUIET);
        assertEquals(3, m.get("items"));
        String record = Files.readString(out.resolve("eval").resolve("impression").resolve("eval.json"));
        assertTrue(record.contains("\"dataset\" : \"iu-xray\""), record);
    }

    @Test
    void aDataSetWithoutTheTasksItemsIsRefusedNamingTheMissingFileAndTheDataSet() throws Exception {
        Path out = dir.resolve("run-b2-refuse-data"), empty = Files.createDirectories(dir.resolve("no-language-files"));
        Stage2Job.run(f.options(out, 2, 5e-3, false, 0), "test", Stage2Fixture.QUIET);
        ElixrB2Run run = ElixrB2Run.load(out, Stage2Fixture.QUIET);
        var vqa = assertThrows(java.nio.file.NoSuchFileException.class, () -> LanguageEvaluation.run(run, LanguageTask.VQA,
                new LanguageEvaluation.Options(empty, CxrDataset.CHEXPERT, "test", 3, 6, 1), "test", Stage2Fixture.QUIET));
        assertTrue(vqa.getMessage().contains("vqa.jsonl") && vqa.getMessage().contains("chexpert"), vqa.getMessage());
        var qa = assertThrows(java.nio.file.NoSuchFileException.class, () -> LanguageEvaluation.run(run, LanguageTask.REPORT_QA,
                new LanguageEvaluation.Options(empty, CxrDataset.IU_XRAY, "test", 3, 6, 1), "test", Stage2Fixture.QUIET));
        assertTrue(qa.getMessage().contains("report-qa.jsonl") && qa.getMessage().contains("iu-xray"), qa.getMessage());
        var impression = assertThrows(java.nio.file.NoSuchFileException.class, () -> LanguageEvaluation.run(run, LanguageTask.IMPRESSION,
                new LanguageEvaluation.Options(f.data(), CxrDataset.CHEXPERT, "test", 3, 6, 1), "test", Stage2Fixture.QUIET));
        assertTrue(impression.getMessage().contains("reports") && impression.getMessage().contains("chexpert"), impression.getMessage());
    }
}
