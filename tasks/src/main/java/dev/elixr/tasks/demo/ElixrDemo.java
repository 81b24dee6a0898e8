package dev.elixr.tasks.demo;

import dev.elixr.models.qformer.TextPooling;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.models.elixr.DuplicatePolicy;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.synth.Difficulty;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tasks.data.LabelPolicy;
import dev.elixr.tasks.eval.DataEfficient;
import dev.elixr.tasks.eval.ElixrCEvaluation;
import dev.elixr.tasks.eval.LogisticProbe;
import dev.elixr.tasks.eval.MlpProbe;
import dev.elixr.tasks.eval.Prompts;
import dev.elixr.tasks.eval.QueryScoring;
import dev.elixr.tasks.eval.SearchQuery;
import dev.elixr.tasks.eval.SemanticSearch;
import dev.elixr.tasks.eval.ZeroShot;
import dev.elixr.tasks.progress.Progress;
import dev.elixr.tasks.report.ElixrBReport;
import dev.elixr.tasks.report.ElixrCReport;
import dev.elixr.tasks.report.HtmlReport;
import dev.elixr.tasks.report.LanguageReport;
import dev.elixr.tasks.report.Png;
import dev.elixr.tasks.train.ContrastiveObjective;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.DuplicateKey;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.train.ElixrCTrainingJob;
import dev.elixr.tasks.train.ElixrBRun;
import dev.elixr.tasks.train.Provenance;
import dev.elixr.tasks.train.QFormerTraining;
import dev.elixr.tasks.train.QFormerTrainingJob;
import dev.elixr.tasks.train.TrainingHistory;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code elixr demo}: generates a synthetic data set (cached in DIR/data), trains ELIXR-C (DIR/run), runs the three
 * evaluations, trains ELIXR-B stage 1 on ELIXR-C's frozen tower (DIR/run-b) and evaluates it the same way (search also
 * re-ranked by ITM), then ELIXR-B stage 2 ({@link LanguageDemo}: the instruction LM in DIR/lm, trained meanwhile on a
 * thread of its own ({@link LmBeside}), the adapter into it in DIR/run-b2, VQA, report QA and impressions beside their
 * text-only baselines), writes DIR/report.html with all of it
 * side by side, then prints a summary table. {@code --quick} runs the same code path on
 * a small data set with short training (used by the tests).
 */
public final class ElixrDemo {
    private ElixrDemo() {}

    /** The sizes of a demo run: the synthetic data set, the contrastive training, the evaluations. */
    public record Plan(Data data, Training training, Evaluation evaluation,
                       @com.fasterxml.jackson.annotation.JsonIgnore StageOne stageOne,
                       @com.fasterxml.jackson.annotation.JsonIgnore LanguageDemo.Plan stageTwo) {
        /**
         * ELIXR-B stage 1's learned queries: 16 (the paper's 32), all of them read by ITM, ITG and stage 2's soft prompt, which
         * carries more of the image into the LLM with 16 than with one (VQA 0.690 / 0.725 / 0.745 over seeds 1-3 against 0.705 /
         * 0.650 / 0.695). Only the first {@link #STAGE_ONE_ITC_QUERIES} is ITC's (and what zero-shot, search and the probes
         * score): when ITC takes the best of several, most come out image-independent and floor the paper's best-query
         * zero-shot (docs/results.md, "ELIXR-B stage 1: ELIXR-C's text sampling and the zero-shot gap", "Several stage-1 queries
         * without the zero-shot floor", "The demo's number of stage-1 queries: zero-shot against VQA").
         */
        public static final int STAGE_ONE_QUERIES = 16;

        /** The stage-1 queries ITC reads (a deviation from BLIP-2, whose ITC takes the best of all): one, see {@link #STAGE_ONE_QUERIES}. */
        public static final int STAGE_ONE_ITC_QUERIES = 1;

        /**
         * ELIXR-B stage 1's texts: drawn by ELIXR-C's sampler with its probabilities (impression alone 1/2, else sentence
         * subsets 1/2), its negated sentences kept (ELIXR-C's default drops each with probability 1/2; stage 1 was not
         * measured with that).
         */
        public static final QFormerTraining.Texts STAGE_ONE_TEXTS = new QFormerTraining.Texts(0.5, 0.5);

        /** The demo's objective: {@link ContrastiveObjective#recommended()}. */
        public static final ContrastiveObjective OBJECTIVE = ContrastiveObjective.recommended();

        /** Synthetic studies to generate, their image side in pixels, and the difficulty of their findings. */
        public record Data(int studies, int imageSize, String difficulty) {
            public Data {
                Difficulty.parse(difficulty);
            }
        }

        /** Epochs, batch and peak learning rate of the contrastive training (AdamW defaults otherwise), and its objective. */
        public record Training(int epochs, int batch, double lr, ContrastiveObjective objective) {}

        /**
         * Data-efficient probes: fractions of the labelled training images, repeats per fraction, the supervised
         * baseline's and the MLP probe's step budgets; zero-shot: bootstrap resamples for the intervals.
         */
        public record Evaluation(double[] fractions, int repeats, int baselineSteps, int mlpSteps, int bootstrap) {}

        /**
         * ELIXR-B stage 1 after ELIXR-C, on the cached image tokens of its frozen tower: epochs, batch and peak learning
         * rate of the Q-Former's training, its shape, and how many ITC candidates search re-ranks with ITM (0: none).
         * Not part of the ELIXR-C run's plan marker: changing it retrains only ELIXR-B.
         */
        public record StageOne(int epochs, int batch, double lr, QFormerTrainingJob.Shape shape, int itmCandidates,
                               QFormerTrainingJob.TextInit textInit, boolean imagePositions, boolean imageSummary, TextPooling textPooling,
                               QFormerTraining.Texts texts, int itcQueries) {
            public StageOne {
                if (textInit == null) textInit = QFormerTrainingJob.TextInit.NONE;
                if (textPooling == null) textPooling = TextPooling.CLS;
                if (texts == null) texts = QFormerTraining.Texts.FULL;
            }

            /** ITC on every query (BLIP-2's). */
            public StageOne(int epochs, int batch, double lr, QFormerTrainingJob.Shape shape, int itmCandidates,
                            QFormerTrainingJob.TextInit textInit, boolean imagePositions, boolean imageSummary, TextPooling textPooling,
                            QFormerTraining.Texts texts) {
                this(epochs, batch, lr, shape, itmCandidates, textInit, imagePositions, imageSummary, textPooling, texts, 0);
            }

            /** On the full reports. */
            public StageOne(int epochs, int batch, double lr, QFormerTrainingJob.Shape shape, int itmCandidates,
                            QFormerTrainingJob.TextInit textInit, boolean imagePositions, boolean imageSummary, TextPooling textPooling) {
                this(epochs, batch, lr, shape, itmCandidates, textInit, imagePositions, imageSummary, textPooling, QFormerTraining.Texts.FULL);
            }

            /** ITC's text feature BLIP-2's [CLS]. */
            public StageOne(int epochs, int batch, double lr, QFormerTrainingJob.Shape shape, int itmCandidates,
                            QFormerTrainingJob.TextInit textInit, boolean imagePositions, boolean imageSummary) {
                this(epochs, batch, lr, shape, itmCandidates, textInit, imagePositions, imageSummary, TextPooling.CLS);
            }

            /** Without the image summary token. */
            public StageOne(int epochs, int batch, double lr, QFormerTrainingJob.Shape shape, int itmCandidates,
                            QFormerTrainingJob.TextInit textInit, boolean imagePositions) {
                this(epochs, batch, lr, shape, itmCandidates, textInit, imagePositions, false);
            }

            /** Text side from scratch, no image positions. */
            public StageOne(int epochs, int batch, double lr, QFormerTrainingJob.Shape shape, int itmCandidates) {
                this(epochs, batch, lr, shape, itmCandidates, QFormerTrainingJob.TextInit.NONE, false);
            }

            /** This plan with another number of epochs. */
            public StageOne withEpochs(int e) { return new StageOne(e, batch, lr, shape, itmCandidates, textInit, imagePositions, imageSummary, textPooling, texts, itcQueries); }

            /** This plan training on other texts. */
            public StageOne withTexts(QFormerTraining.Texts t) { return new StageOne(epochs, batch, lr, shape, itmCandidates, textInit, imagePositions, imageSummary, textPooling, t, itcQueries); }

            /** The Q-Former's shape on an ELIXR-C run: with the text side from its text tower, that tower's width, layers, heads and FFN. */
            QFormerTrainingJob.Shape shapeOn(Path runC) throws IOException {
                return textInit.fromImageRun()
                        ? QFormerTrainingJob.Shape.of(ElixrCRun.readConfig(runC).text().bertConfig(), shape.queries(), shape.projection())
                        .withCrossAttentionFrequency(shape.crossAttentionFrequency()) : shape;
            }
        }

        /**
         * 6,000 "easy" studies at 96x96, 24 epochs of batch 32; why: docs/results.md ("Why the demo plan is what it is").
         * ELIXR-B: 4 epochs, 16 learned queries of which ITC reads one ({@link #STAGE_ONE_QUERIES}), its Q-Former's text side started from ELIXR-C's text tower, the tower's tokens given learned
         * positions and a summary token of the whole map, cross-attention in every layer, ITC's text feature the mean of the
         * word states, its texts drawn by ELIXR-C's sampler with its probabilities, negated sentences kept (docs/results.md, "ELIXR-B stage 1 over three seeds", "ELIXR-B stage 1:
         * closing the retrieval gap", "ELIXR-B stage 1: ITC's text feature as ELIXR-C pools it" and "ELIXR-B stage 1: ELIXR-C's
         * text sampling and the zero-shot gap").
         */
        public static Plan full() {
            return new Plan(new Data(6000, 96, "easy"), new Training(24, 32, 3e-3, OBJECTIVE),
                    new Evaluation(new double[] {0.01, 0.1, 1.0}, 3, 150, 200, 500),
                    new StageOne(4, 32, 1e-3, QFormerTrainingJob.Shape.tiny().withQueries(STAGE_ONE_QUERIES).withCrossAttentionFrequency(1), 128,
                            QFormerTrainingJob.TextInit.IMAGE_RUN, true, true, TextPooling.WORD_MEAN, STAGE_ONE_TEXTS, STAGE_ONE_ITC_QUERIES),
                    LanguageDemo.Plan.full());
        }

        public static Plan quick() {
            return new Plan(new Data(400, 48, "easy"), new Training(2, 32, 3e-3, OBJECTIVE),
                    new Evaluation(new double[] {0.1, 1.0}, 1, 20, 40, 50),
                    new StageOne(1, 32, 1e-3, QFormerTrainingJob.Shape.tiny().withQueries(STAGE_ONE_QUERIES).withCrossAttentionFrequency(1), 16,
                            QFormerTrainingJob.TextInit.IMAGE_RUN, true, true, TextPooling.WORD_MEAN, STAGE_ONE_TEXTS, STAGE_ONE_ITC_QUERIES),
                    LanguageDemo.Plan.quick());
        }

        /** This plan without ELIXR-B (stageOne null, which also drops stage 2), or with another ELIXR-B plan. */
        public Plan withStageOne(StageOne s) { return new Plan(data, training, evaluation, s, s == null ? null : stageTwo); }

        /** This plan without ELIXR-B stage 2 (null) or with another stage-2 plan; stage 2 needs stage 1. */
        public Plan withStageTwo(LanguageDemo.Plan s) {
            if (s != null && stageOne == null) throw new IllegalArgumentException("demo: ELIXR-B stage 2 needs stage 1");
            return new Plan(data, training, evaluation, stageOne, s);
        }

        /** This plan with other sizes (0 keeps a value). */
        public Plan resized(int studies, int imageSize, int epochs) {
            return new Plan(new Data(studies > 0 ? studies : data.studies(), imageSize > 0 ? imageSize : data.imageSize(), data.difficulty()),
                    new Training(epochs > 0 ? epochs : training.epochs(), training.batch(), training.lr(), training.objective()), evaluation,
                    stageOne, stageTwo);
        }

        public Plan withDifficulty(String d) {
            return new Plan(new Data(data.studies(), data.imageSize(), d), training, evaluation, stageOne, stageTwo);
        }

        public Plan withObjective(ContrastiveObjective o) {
            return new Plan(data, new Training(training.epochs(), training.batch(), training.lr(), o), evaluation, stageOne, stageTwo);
        }

        /** The training configuration of the demo's run: AdamW defaults, augmentation, a checkpoint every 50 steps, resumable. */
        ContrastiveTraining.Config trainingConfig(long seed) {
            return new ContrastiveTraining.Config(new ContrastiveTraining.Data(training.epochs(), training.batch(), true),
                    ContrastiveTraining.Optimisation.adamW(training.lr()), training.objective(),
                    ContrastiveTraining.Session.of(seed).resuming(true));
        }
    }

    public record Summary(Path report, double seconds, ZeroShot.Result zeroShot, DataEfficient.Result dataEfficient,
                          SemanticSearch.Result search, Plan plan, int trainImages, int testImages, ElixrBPart elixrB,
                          LanguageDemo.Part language) {}

    /**
     * ELIXR-B's part of the demo: its three evaluations (zero-shot with the paper's best-query scoring), zero-shot again
     * with the mean over queries ({@link QueryScoring#MEAN}, an extra figure), search re-ranked by ITM (null without
     * re-ranking), the training history, and the seconds it added to the demo (stage-1 training and evaluations).
     */
    public record ElixrBPart(ZeroShot.Result zeroShot, ZeroShot.Result zeroShotMeanQueries, DataEfficient.Result dataEfficient,
                             SemanticSearch.Result search, SemanticSearch.Result itmReranked, int itmCandidates, TrainingHistory history,
                             double seconds) {}

    public static Summary run(Path dir, Plan plan, long seed, PrintStream log) throws IOException {
        return run(dir, plan, seed, log, "elixr demo");
    }

    /** As {@link #run(Path, Plan, long, PrintStream)}, recording {@code commandLine} in run.json and each eval.json. */
    public static Summary run(Path dir, Plan plan, long seed, PrintStream log, String commandLine) throws IOException {
        long t0 = System.nanoTime();
        Path data = dir.resolve("data"), runDir = dir.resolve("run");
        ensureData(data, plan, seed, log);
        try (LmBeside lm = lmBeside(plan) ? LmBeside.start(dir, data, plan.stageTwo(), seed, log, commandLine) : null) {
            return finish(dir, data, runDir, plan, seed, log, commandLine, lm, t0);
        }
    }

    /**
     * Whether the plan's LM trains beside ELIXR-C and stage 1 ({@link LmBeside}): on two cores, where two single-threaded
     * jobs at once finish sooner than one two-threaded job after the other (docs/results.md, "The demo's LM beside
     * ELIXR-C"). With more cores each job keeps all of them, one after the other, as on one core.
     */
    static boolean lmBeside(Plan plan) {
        return plan.stageOne() != null && plan.stageTwo() != null && dev.elixr.tensor.Parallel.threads() == 2;
    }

    /** The demo after its data: ELIXR-C, its evaluations, ELIXR-B (stage 2 once {@code lm}, training beside, is done), the report. */
    private static Summary finish(Path dir, Path data, Path runDir, Plan plan, long seed, PrintStream log, String commandLine,
                                  LmBeside lm, long t0) throws IOException {
        ensureTrained(data, runDir, plan, seed, log, commandLine);
        ElixrCEvaluation eval = ElixrCEvaluation.open(runDir, data, log).withCommandLine(commandLine);
        log.println("elixr: zero-shot classification ...");
        ZeroShot.Result zs = eval.zeroShot(Prompts.defaults(), plan.evaluation().bootstrap(), seed);
        log.println("elixr: semantic search ...");
        SemanticSearch.Result ss = eval.search(SearchQuery.defaults(), 5);
        log.println("elixr: data-efficient probes ...");
        DataEfficient.Result de = eval.dataEfficient(plan.evaluation().fractions(), plan.evaluation().repeats(), seed,
                new ElixrCEvaluation.Baseline(10, Math.min(30, plan.evaluation().baselineSteps()), plan.evaluation().baselineSteps(), 32, 2e-3),
                List.of(new LogisticProbe(), new MlpProbe(new int[] {512, 256}, 0.2f, plan.evaluation().mlpSteps(), 64, 1e-3, 1e-2)));
        ElixrBPart b = plan.stageOne() == null ? null : elixrB(dir, data, runDir, plan, seed, log, commandLine);
        LanguageDemo.Part language = b == null || plan.stageTwo() == null ? null
                : LanguageDemo.run(dir, data, dir.resolve("run-b"), plan.stageTwo(), seed, log, commandLine, lm);
        Path report = dir.resolve("report.html");
        HtmlReport html = ElixrCReport.build(new ElixrCReport.Inputs(b == null ? "ELIXR-C demo on synthetic chest X-rays"
                        : "ELIXR-C and ELIXR-B demo on synthetic chest X-rays",
                String.format(Locale.ROOT, "%d synthetic studies (%s difficulty, %dx%d), %d epochs of contrastive training (%s), seed %d. "
                        + "All numbers are measured on the synthetic test split by this run.",
                        plan.data().studies(), plan.data().difficulty(), plan.data().imageSize(), plan.data().imageSize(),
                        plan.training().epochs(), describe(plan.training().objective()), seed),
                eval.run().history(), zs, de, ss, id -> thumbnail(eval.testImage(id))));
        if (b != null)
            ElixrBReport.append(html, plan.stageOne().epochs() + " epochs of ELIXR-B stage 1 (ITC + ITM + ITG) on the frozen "
                            + "ELIXR-C tower's image tokens" + (plan.stageOne().imagePositions() ? " (with learned positions)" : "")
                            + (plan.stageOne().imageSummary() ? " and a summary token of the whole map" : "")
                            + ", Q-Former " + plan.stageOne().shapeOn(runDir)
                            + (plan.stageOne().textInit().fromImageRun() ? ", its text side started from ELIXR-C's text tower" : "")
                            + (plan.stageOne().textInit() == QFormerTrainingJob.TextInit.IMAGE_RUN_PROJECTION ? " and text projection" : "")
                            + (plan.stageOne().textPooling() == TextPooling.WORD_MEAN ? ", ITC's text feature the mean of the word states" : "")
                            + (plan.stageOne().itcQueries() > 0 ? ", ITC (and what zero-shot, search and the probes score) on the first "
                            + plan.stageOne().itcQueries() + " of its queries" : ""),
                    b.history(), new ElixrBReport.Side(zs, de, ss), new ElixrBReport.Side(b.zeroShot(), b.dataEfficient(), b.search()),
                    b.itmReranked(), b.itmCandidates());
        if (language != null)
            LanguageReport.append(html, LanguageDemo.describe(language.plan()), language.history(), language.results(),
                    id -> thumbnail(eval.testImage(id)));
        html.write(report);
        double secs = (System.nanoTime() - t0) / 1e9;
        int trainImages = (int) MimicCxrJpg.read(data).stream().filter(s -> s.split().equals("train")).count();
        return new Summary(report, secs, zs, de, ss, plan, trainImages,
                zs.scores().stream().map(ZeroShot.Score::dicomId).distinct().toList().size(), b, language);
    }

    /** Trains ELIXR-B stage 1 on the ELIXR-C run's frozen tower (unless DIR/run-b holds it) and runs the three evaluations on it. */
    static ElixrBPart elixrB(Path dir, Path data, Path runC, Plan plan, long seed, PrintStream log, String commandLine) throws IOException {
        long t0 = System.nanoTime();
        Plan.StageOne p = plan.stageOne();
        Path runB = dir.resolve("run-b");
        ensureStageOne(data, runC, runB, plan, seed, log, commandLine);
        ElixrCEvaluation eval = ElixrCEvaluation.open(runB, data, log).withCommandLine(commandLine).withItmRerank(p.itmCandidates());
        log.println("elixr: ELIXR-B zero-shot classification ...");
        ZeroShot.Result zs = eval.zeroShot(Prompts.defaults(), plan.evaluation().bootstrap(), seed);
        ZeroShot.Result zsMean = eval.zeroShot(Prompts.defaults(), LabelPolicy.IGNORE_BOTH, "test", 0, seed, QueryScoring.MEAN,
                runB.resolve("eval").resolve("zero-shot-mean-queries"));
        log.println("elixr: ELIXR-B semantic search ...");
        SemanticSearch.Result ss = eval.search(SearchQuery.defaults(), 5);
        log.println("elixr: ELIXR-B data-efficient probes ...");
        DataEfficient.Result de = eval.dataEfficient(plan.evaluation().fractions(), plan.evaluation().repeats(), seed, null,
                List.of(new LogisticProbe(), new MlpProbe(new int[] {512, 256}, 0.2f, plan.evaluation().mlpSteps(), 64, 1e-3, 1e-2)));
        TrainingHistory history = TrainingHistory.read(runB.resolve(ElixrBRun.HISTORY));
        return new ElixrBPart(zs, zsMean, de, ss, eval.itmReranked(), p.itmCandidates(), history, (System.nanoTime() - t0) / 1e9);
    }

    /** Trains stage 1 unless DIR/run-b holds a finished run of the same stage-1 plan on the same ELIXR-C weights; resumes an unfinished one. */
    static void ensureStageOne(Path data, Path runC, Path runB, Plan plan, long seed, PrintStream log, String commandLine) throws IOException {
        Path marker = runB.resolve("demo-plan.json");
        String want = new ObjectMapper().writeValueAsString(plan.stageOne()) + seed + " " + Provenance.sha256(runC.resolve(ElixrCRun.WEIGHTS));
        boolean same = Files.exists(marker) && Files.readString(marker).equals(want);
        if (same && Files.exists(runB.resolve(ElixrBRun.WEIGHTS))) {
            log.println("elixr: using the trained ELIXR-B model in " + runB);
            return;
        }
        if (!same) {
            deleteTree(runB);
            Files.createDirectories(runB);
            Files.writeString(marker, want);
        }
        Plan.StageOne p = plan.stageOne();
        var training = new QFormerTraining.Config(new ContrastiveTraining.Data(p.epochs(), p.batch(), false),
                new ContrastiveTraining.Optimisation(p.lr(), 0.05, 0.1, 1.0), ContrastiveTraining.Session.of(seed).resuming(true), p.texts());
        QFormerTrainingJob.run(new QFormerTrainingJob.Options(data, runC, runB, p.shapeOn(runC), training).withTextInit(p.textInit())
                .withImagePositions(p.imagePositions()).withImageSummary(p.imageSummary()).withTextPooling(p.textPooling())
                .withItcQueries(p.itcQueries()), commandLine, log);
    }

    /** Generates the synthetic data unless DIR/data already holds the same plan's data. */
    static void ensureData(Path data, Plan plan, long seed, PrintStream log) throws IOException {
        Path marker = data.resolve("demo-data.json");
        String want = String.format(Locale.ROOT, "{\"studies\":%d,\"size\":%d,\"difficulty\":\"%s\",\"seed\":%d}",
                plan.data().studies(), plan.data().imageSize(), plan.data().difficulty(), seed);
        if (Files.exists(marker) && Files.readString(marker).equals(want)) {
            log.println("elixr: using the cached synthetic data in " + data);
            return;
        }
        deleteTree(data);
        log.printf("elixr: generating %d synthetic studies in %s ...%n", plan.data().studies(), data);
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(plan.data().studies(), seed).withSize(plan.data().imageSize())
                .withDifficulty(Difficulty.parse(plan.data().difficulty())));
        Files.writeString(marker, want);
    }

    /** Trains unless DIR/run holds a finished run of the same plan; an unfinished one is resumed. */
    static void ensureTrained(Path data, Path runDir, Plan plan, long seed, PrintStream log, String commandLine) throws IOException {
        Path marker = runDir.resolve("demo-plan.json");
        String want = new ObjectMapper().writeValueAsString(plan) + seed;
        boolean same = Files.exists(marker) && Files.readString(marker).equals(want);
        if (same && Files.exists(runDir.resolve(ElixrCRun.WEIGHTS))) {
            log.println("elixr: using the trained model in " + runDir);
            return;
        }
        if (!same) {
            if (Files.exists(marker))
                log.println("elixr: " + marker + " records another plan (or the format of an earlier version): training again");
            deleteTree(runDir);
            Files.createDirectories(runDir);
            Files.writeString(marker, want);
        }
        ElixrCConfig model = ElixrCTrainingJob.defaultModel("conv", plan.data().imageSize());
        ElixrCTrainingJob.run(ElixrCTrainingJob.Options.of(data, runDir, model, plan.trainingConfig(seed)), commandLine, log);
    }

    /** A thumbnail of a preprocessed test image for the report. */
    static byte[] thumbnail(GreyImage g) {
        return Png.grey(g.pixels(), g.height(), g.width());
    }

    /** The objective in words, e.g. "sentence sampling 0.5, duplicates (same text) masked". */
    static String describe(ContrastiveObjective o) {
        if (o.isPlain()) return "plain CLIP loss on full reports";
        List<String> parts = new ArrayList<>();
        if (o.impressionOnly() > 0) parts.add("impression only " + o.impressionOnly());
        if (o.sentenceSampling() > 0) parts.add("sentence sampling " + o.sentenceSampling());
        if (o.dropNegated() > 0) parts.add("negated sentences dropped " + o.dropNegated());
        if (o.duplicates() != DuplicatePolicy.NONE)
            parts.add("duplicates (same " + (o.key() == DuplicateKey.TEXT ? "text" : "labels") + ") "
                    + (o.duplicates() == DuplicatePolicy.MASK ? "masked" : "as positives"));
        if (o.queueSize() > 0) parts.add("queue of " + o.queueSize() + " negatives");
        return String.join(", ", parts);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    /** ELIXR-B's lines of the summary table, each beside ELIXR-C's figure. */
    static void elixrBRows(StringBuilder sb, Summary s) {
        ElixrBPart b = s.elixrB();
        sb.append(String.format(Locale.ROOT, "ELIXR-B stage 1 (Q-Former on the frozen ELIXR-C tower): %s of the wall time%n",
                Progress.time(b.seconds())));
        sb.append(String.format(Locale.ROOT, "%-40s %-26s %.3f (ELIXR-C %.3f)%n", "ELIXR-B zero-shot, 13 findings", "mean AUC",
                b.zeroShot().meanAuc(), s.zeroShot().meanAuc()));
        sb.append(String.format(Locale.ROOT, "%-40s %-26s %.3f (the mean over queries in place of the best)%n", "ELIXR-B zero-shot, 13 findings",
                "mean AUC, mean-query", b.zeroShotMeanQueries().meanAuc()));
        for (double f : s.plan().evaluation().fractions()) {
            String pct = BigDecimal.valueOf(f).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
            for (String probe : List.of("logistic", "mlp"))
                sb.append(String.format(Locale.ROOT, "%-40s %-26s %.3f (ELIXR-C %.3f)%n", "ELIXR-B data-efficient " + pct + ", " + probe,
                        "mean AUC", b.dataEfficient().summary("elixr-b", probe, f).meanAuc(),
                        s.dataEfficient().summary("elixr-c", probe, f).meanAuc()));
        }
        sb.append(String.format(Locale.ROOT, "%-40s %-26s %.3f (precision@5 %.3f; ELIXR-C %.3f, %.3f)%n", "ELIXR-B semantic search",
                "mean NDCG@5", b.search().meanNdcg(), b.search().meanPrecision(), s.search().meanNdcg(), s.search().meanPrecision()));
        if (b.itmReranked() != null)
            sb.append(String.format(Locale.ROOT, "%-40s %-26s %.3f (precision@5 %.3f)%n", "ELIXR-B search, ITM re-ranks top " + b.itmCandidates(),
                    "mean NDCG@5", b.itmReranked().meanNdcg(), b.itmReranked().meanPrecision()));
    }

    /** The summary table printed at the end of the demo. */
    public static String table(Summary s) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "ELIXR-C demo: %d synthetic studies, %d training images, %d test images, %s wall time%n",
                s.plan().data().studies(), s.trainImages(), s.testImages(), Progress.time(s.seconds())));
        sb.append(String.format(Locale.ROOT, "%-40s %-26s %s%n", "task", "metric", "value"));
        sb.append(String.format(Locale.ROOT, "%-40s %-26s %.3f%n", "zero-shot, 13 findings", "mean AUC", s.zeroShot().meanAuc()));
        for (double f : s.plan().evaluation().fractions()) {
            String pct = BigDecimal.valueOf(f).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
            for (String probe : List.of("logistic", "mlp")) {
                var ours = s.dataEfficient().summary("elixr-c", probe, f);
                var base = s.dataEfficient().summary("supervised-baseline", probe, f);
                sb.append(String.format(Locale.ROOT, "%-40s %-26s %.3f (baseline %.3f)%n",
                        "data-efficient " + pct + ", 5 findings, " + probe, "mean AUC", ours.meanAuc(), base.meanAuc()));
            }
        }
        sb.append(String.format(Locale.ROOT, "%-40s %-26s %.3f (precision@5 %.3f, %d/%d perfect)%n", "semantic search, "
                + s.search().perQuery().size() + " queries", "mean NDCG@5", s.search().meanNdcg(), s.search().meanPrecision(),
                s.search().perfect(), s.search().perQuery().size()));
        if (s.elixrB() != null) elixrBRows(sb, s);
        if (s.language() != null) LanguageDemo.rows(sb, s.language());
        sb.append("report: ").append(s.report().toAbsolutePath()).append('\n');
        return sb.toString();
    }
}
