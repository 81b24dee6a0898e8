package dev.elixr.tasks.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.models.elixr.DuplicatePolicy;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.synth.Difficulty;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tasks.eval.DataEfficient;
import dev.elixr.tasks.eval.ElixrCEvaluation;
import dev.elixr.tasks.eval.LogisticProbe;
import dev.elixr.tasks.eval.MlpProbe;
import dev.elixr.tasks.eval.Prompts;
import dev.elixr.tasks.eval.SearchQuery;
import dev.elixr.tasks.eval.SemanticSearch;
import dev.elixr.tasks.eval.ZeroShot;
import dev.elixr.tasks.progress.Progress;
import dev.elixr.tasks.report.ElixrCReport;
import dev.elixr.tasks.report.Png;
import dev.elixr.tasks.train.ContrastiveObjective;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.DuplicateKey;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.train.ElixrCTrainingJob;

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
 * {@code elixr demo}: generates a synthetic data set (cached in DIR/data), trains ELIXR-C, runs the three
 * evaluations and writes DIR/report.html, then prints a summary table. {@code --quick} runs the same code path on
 * a small data set with short training (used by the tests).
 */
public final class ElixrCDemo {
    private ElixrCDemo() {}

    /** The sizes of a demo run: the synthetic data set, the contrastive training, the evaluations. */
    public record Plan(Data data, Training training, Evaluation evaluation) {
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

        /** 6,000 "easy" studies at 96x96, 24 epochs of batch 32; why: docs/results.md ("Why the demo plan is what it is"). */
        public static Plan full() {
            return new Plan(new Data(6000, 96, "easy"), new Training(24, 32, 3e-3, OBJECTIVE),
                    new Evaluation(new double[] {0.01, 0.1, 1.0}, 3, 150, 200, 500));
        }

        public static Plan quick() {
            return new Plan(new Data(400, 48, "easy"), new Training(2, 32, 3e-3, OBJECTIVE),
                    new Evaluation(new double[] {0.1, 1.0}, 1, 20, 40, 50));
        }

        /** This plan with other sizes (0 keeps a value). */
        public Plan resized(int studies, int imageSize, int epochs) {
            return new Plan(new Data(studies > 0 ? studies : data.studies(), imageSize > 0 ? imageSize : data.imageSize(), data.difficulty()),
                    new Training(epochs > 0 ? epochs : training.epochs(), training.batch(), training.lr(), training.objective()), evaluation);
        }

        public Plan withDifficulty(String d) {
            return new Plan(new Data(data.studies(), data.imageSize(), d), training, evaluation);
        }

        public Plan withObjective(ContrastiveObjective o) {
            return new Plan(data, new Training(training.epochs(), training.batch(), training.lr(), o), evaluation);
        }

        /** The training configuration of the demo's run: AdamW defaults, augmentation, a checkpoint every 50 steps, resumable. */
        ContrastiveTraining.Config trainingConfig(long seed) {
            return new ContrastiveTraining.Config(new ContrastiveTraining.Data(training.epochs(), training.batch(), true),
                    ContrastiveTraining.Optimisation.adamW(training.lr()), training.objective(),
                    ContrastiveTraining.Session.of(seed).resuming(true));
        }
    }

    public record Summary(Path report, double seconds, ZeroShot.Result zeroShot, DataEfficient.Result dataEfficient,
                          SemanticSearch.Result search, Plan plan, int trainImages, int testImages) {}

    public static Summary run(Path dir, Plan plan, long seed, PrintStream log) throws IOException {
        return run(dir, plan, seed, log, "elixr demo");
    }

    /** As {@link #run(Path, Plan, long, PrintStream)}, recording {@code commandLine} in run.json and each eval.json. */
    public static Summary run(Path dir, Plan plan, long seed, PrintStream log, String commandLine) throws IOException {
        long t0 = System.nanoTime();
        Path data = dir.resolve("data"), runDir = dir.resolve("run");
        ensureData(data, plan, seed, log);
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
        Path report = dir.resolve("report.html");
        ElixrCReport.build(new ElixrCReport.Inputs("ELIXR-C demo on synthetic chest X-rays",
                String.format(Locale.ROOT, "%d synthetic studies (%s difficulty, %dx%d), %d epochs of contrastive training (%s), seed %d. "
                        + "All numbers are measured on the synthetic test split by this run.",
                        plan.data().studies(), plan.data().difficulty(), plan.data().imageSize(), plan.data().imageSize(),
                        plan.training().epochs(), describe(plan.training().objective()), seed),
                eval.run().history(), zs, de, ss, id -> thumbnail(eval.testImage(id)))).write(report);
        double secs = (System.nanoTime() - t0) / 1e9;
        int trainImages = (int) MimicCxrJpg.read(data).stream().filter(s -> s.split().equals("train")).count();
        return new Summary(report, secs, zs, de, ss, plan, trainImages, zs.scores().stream().map(ZeroShot.Score::dicomId).distinct().toList().size());
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
        sb.append("report: ").append(s.report().toAbsolutePath()).append('\n');
        return sb.toString();
    }
}
