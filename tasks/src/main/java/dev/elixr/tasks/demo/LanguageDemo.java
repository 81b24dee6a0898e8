package dev.elixr.tasks.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.models.qformer.LanguageProjection;
import dev.elixr.tasks.language.ElixrB2Run;
import dev.elixr.tasks.language.InstructionCorpus;
import dev.elixr.tasks.language.LanguageEvaluation;
import dev.elixr.tasks.language.LanguageTask;
import dev.elixr.tasks.language.QuestionRepeats;
import dev.elixr.tasks.language.QuestionsEvaluation;
import dev.elixr.tasks.language.Stage2Job;
import dev.elixr.tasks.language.Stage2Training;
import dev.elixr.tasks.language.TaskMix;
import dev.elixr.tasks.progress.Progress;
import dev.elixr.tasks.report.LanguageReport;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.ElixrBRun;
import dev.elixr.tasks.train.LmTraining;
import dev.elixr.tasks.train.LmTrainingJob;
import dev.elixr.tasks.train.Provenance;
import dev.elixr.tasks.train.TrainingHistory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ELIXR-B stage 2 in the demo (Xu et al. 2023, §2.2 and §2.5): the small language model of the data set's reports,
 * trained on the instruction corpus ({@code elixr train lm --instructions}, DIR/lm), the adapter (and the Q-Former)
 * trained into that frozen LM on the stage-1 run (DIR/run-b2), then VQA, report QA and impression generation on the test
 * split, each beside its text-only baseline. Each step is skipped when its folder holds a finished run of the same plan.
 */
public final class LanguageDemo {
    private LanguageDemo() {}

    /**
     * The language part of a demo: the LM's shape, epochs, batch, learning rate and studies per split of its instruction
     * corpus (0: all); stage 2's steps, batch, learning rate, whether the Q-Former trains too, its task mix and question repeats; test items per
     * evaluation (VQA, report QA, impressions) and the new-token budget of each answer; how report QA decides
     * ({@code reportQaMethod}: "verdict", the one generated verdict, or "combined", {@link QuestionsEvaluation.Method#COMBINED}
     * fitted on {@code reportQaFitItems} validation items, 0: all).
     */
    public record Plan(LmTrainingJob.Shape lm, int lmEpochs, int lmBatch, double lmLr, int lmStudies, int steps, int batch, double lr,
                boolean trainQFormer, TaskMix mix, QuestionRepeats vqaRepeats, int vqaItems, int reportQaItems, int impressionItems, int maxNewTokens,
                String reportQaMethod, int reportQaFitItems) {
        public Plan {
            if (!reportQaMethod.equals("verdict") && !reportQaMethod.equals("combined"))
                throw new IllegalArgumentException("demo report QA method '" + reportQaMethod + "': expected verdict or combined");
            if (reportQaFitItems < 0) throw new IllegalArgumentException("demo report QA fit items " + reportQaFitItems + ": must be >= 0");
        }

        /**
         * The full demo's: the default LM shape ({@link LmTrainingJob.Shape#demo()}) for two epochs of batches of 8 over
         * the instruction rows of every training study (an LM of 2,000 studies in batches of 16 could not answer from the
         * true findings, so no image could matter; one epoch reads sides and zones poorly), 1,800 stage-2 steps of 16 items
         * with the Q-Former frozen as stage 1 left it (1,200 steps with it trained left VQA at 0.701, 14.7 points over its
         * baseline, on seed 3's whole test split; frozen, or 1,800 steps, each did better on seeds 1 and 3, and both together
         * best: 0.740 / 0.730 / 0.735 on seeds 1–3), 70% of the steps visual questions (side, severity and location ones drawn more
         * often: {@link #SIDES_AND_SEVERITIES}), one task per step; 1,000 visual questions (answered at ~100 a second, so the
         * figure is not the noise of 100), 100 reports and 50 impressions; reports checked by the combined method fitted on
         * every validation item (the generated verdict reached 0.58–0.70 on three seeds, the combined one 0.70–0.75).
         * Why: docs/results.md ("The demo's stage 2 made image-dependent", "Stage 2: 16 queries and an LM of two epochs",
         * "Report QA without wording tells", "Stage 2 of 1,800 steps").
         */
        public static Plan full() {
            return new Plan(LmTrainingJob.Shape.demo(), 2, 8, 3e-3, 0, 1800, 16, 2e-3, false, VQA_HEAVY, SIDES_AND_SEVERITIES, 1000, 100, 50, 24,
                    "combined", 0);
        }

        /**
         * The side, severity and location questions drawn more often (laterality 3×, severity 3×, location 2×): the soft
         * prompt carries the side linearly (a probe reads it from 89–94% of validation images) but the stage-2 model answered
         * 54–62% of the validation side questions, and 1,200 steps saw each such question about half a time. Why: docs/results.md
         * ("Where the side is lost: side, severity and location questions drawn more often").
         */
        static final QuestionRepeats SIDES_AND_SEVERITIES = QuestionRepeats.parse("laterality=3,severity=3,location=2");

        /** 15% impressions, 70% visual questions, 15% report checks, one task per step. */
        static final TaskMix VQA_HEAVY = TaskMix.parse("impression=0.15,vqa=0.7,report-qa=0.15").drawnPerStep();

        /** --quick's: a one-layer LM 32 wide, a few steps, a handful of test items: the same code path in seconds. */
        public static Plan quick() {
            return new Plan(new LmTrainingJob.Shape(1, 32, 2, 1, 128, 300), 1, 8, 3e-3, 60, 10, 4, 2e-3, true, TaskMix.standard(), QuestionRepeats.none(),
                    6, 6, 4, 8, "combined", 0);
        }
    }

    /**
     * The three evaluations (their metrics and answered items; VQA, report QA, impressions), the stage-2 history, the
     * seconds the part took, and the seconds its LM took beside the rest of the demo (0 when it trained in the part).
     */
    public record Part(Plan plan, Map<LanguageTask, LanguageEvaluation.Result> results, TrainingHistory history, double seconds,
                       double lmBesideSeconds) {}

    /** Trains (or reuses) DIR/lm and DIR/run-b2 on the stage-1 run {@code runB} and runs the three evaluations. */
    public static Part run(Path dir, Path data, Path runB, Plan p, long seed, PrintStream log, String commandLine) throws IOException {
        return run(dir, data, runB, p, seed, log, commandLine, null);
    }

    /** As {@link #run(Path, Path, Path, Plan, long, PrintStream, String)}, with DIR/lm from {@code lmBeside} when not null. */
    static Part run(Path dir, Path data, Path runB, Plan p, long seed, PrintStream log, String commandLine, LmBeside lmBeside) throws IOException {
        double lmSeconds = lmBeside == null ? 0 : lmBeside.await(log);
        long t0 = System.nanoTime();
        Path lm = dir.resolve("lm"), runB2 = dir.resolve("run-b2");
        if (lmBeside == null) ensureLm(data, lm, p, seed, log, commandLine);
        ensureStageTwo(data, runB, lm, runB2, p, seed, log, commandLine);
        ElixrB2Run run = ElixrB2Run.load(runB2, log);
        Map<LanguageTask, LanguageEvaluation.Result> results = new LinkedHashMap<>();
        for (LanguageTask t : List.of(LanguageTask.VQA, LanguageTask.REPORT_QA, LanguageTask.IMPRESSION)) {
            int limit = switch (t) {
                case VQA -> p.vqaItems();
                case REPORT_QA -> p.reportQaItems();
                case IMPRESSION -> p.impressionItems();
            };
            log.println("elixr: ELIXR-B stage 2, " + t.id() + " on " + limit + " test items (image and text-only baseline) ...");
            var o = new LanguageEvaluation.Options(data, "test", limit, p.maxNewTokens(), seed);
            results.put(t, t == LanguageTask.REPORT_QA && p.reportQaMethod().equals("combined")
                    ? QuestionsEvaluation.evaluate(run, o, p.reportQaFitItems(), QuestionsEvaluation.Method.COMBINED, commandLine, log)
                    : LanguageEvaluation.evaluate(run, t, o, commandLine, log));
        }
        TrainingHistory history = TrainingHistory.read(runB2.resolve(ElixrB2Run.HISTORY));
        return new Part(p, results, history, (System.nanoTime() - t0) / 1e9, lmSeconds);
    }

    /** The part's setup in words, for the report. */
    static String describe(Plan p) {
        LmTrainingJob.Shape s = p.lm();
        return String.format(Locale.ROOT, "The frozen LLM is our own small Llama-style model (%d layer%s, width %d, vocabulary %d), trained for %d "
                        + "epoch%s on the instruction corpus of %s (each study's FINDINGS, then its questions, report checks, presence "
                        + "questions and impression, as elixr train lm --instructions writes it). Stage 2 trains the MLP adapter%s for %d "
                        + "steps of %d items into it (task mix %s%s). Each test item is answered twice%s: after its image's soft prompt, and "
                        + "after the soft prompt of the split's average image (the text-only baseline).",
                s.layers(), s.layers() == 1 ? "" : "s", s.width(), s.vocab(), p.lmEpochs(), p.lmEpochs() == 1 ? "" : "s", p.lmStudies() == 0 ? "every training study" : "up to " + p.lmStudies()
                        + " training studies", p.trainQFormer() ? " and the Q-Former" : "", p.steps(), p.batch(), p.mix(),
                p.vqaRepeats().isNone() ? "" : "; training questions repeated " + p.vqaRepeats(),
                p.reportQaMethod().equals("combined") ? ", by greedy decoding, except that a report is checked by the combined method (the model's "
                        + "answers to questions about each finding and its verdict, scored by likelihood, weighed by a logistic regression "
                        + "fitted on " + (p.reportQaFitItems() == 0 ? "every" : "up to " + p.reportQaFitItems()) + " validation item"
                        + (p.reportQaFitItems() == 1 ? "" : "s") + "; the baseline gets its own fit)" : " by greedy decoding");
    }

    /** The part's lines of the demo's summary table: each task's headline metric beside its text-only baseline. */
    static void rows(StringBuilder sb, Part part) {
        sb.append(String.format(Locale.ROOT, "ELIXR-B stage 2 (adapter into the instruction LM): %s of the wall time%s%n", Progress.time(part.seconds()),
                part.lmBesideSeconds() > 0 ? " (its LM trained beside the parts above, " + Progress.time(part.lmBesideSeconds()) + ")" : ""));
        for (var e : part.results().entrySet()) {
            String metric = e.getKey() == LanguageTask.IMPRESSION ? "macro_f1" : "accuracy";
            Map<?, ?> m = e.getValue().metrics();
            sb.append(String.format(Locale.ROOT, "%-40s %-26s %s (text-only baseline %s)%n", "ELIXR-B " + e.getKey().id() + ", " + m.get("items")
                    + " test items", e.getKey() == LanguageTask.IMPRESSION ? "finding macro F1" : "accuracy",
                    LanguageReport.figure(m, "image", metric), LanguageReport.figure(m, "text_only_baseline", metric)));
        }
    }

    /** Trains the instruction LM unless DIR/lm holds a finished one of the same plan on the same data. */
    static void ensureLm(Path data, Path lm, Plan p, long seed, PrintStream log, String commandLine) throws IOException {
        String want = new ObjectMapper().writeValueAsString(new Object[] {p.lm(), p.lmEpochs(), p.lmBatch(), p.lmLr(), p.lmStudies()}) + seed
                + " " + Files.readString(data.resolve("demo-data.json"));
        if (!fresh(lm, want, "model.safetensors", log, "the instruction LM")) return;
        var training = new LmTraining.Config(p.lmEpochs(), p.lmBatch(), new ContrastiveTraining.Optimisation(p.lmLr(), 0.1, 0.05, 1.0),
                ContrastiveTraining.Session.of(seed).resuming(true));
        LmTrainingJob.run(new LmTrainingJob.Options(data, lm, p.lm(), training).withInstructions(new InstructionCorpus(data, p.lmStudies())),
                commandLine, log);
    }

    /** Trains stage 2 unless DIR/run-b2 holds a finished run of the same plan on the same stage-1 run and LM. */
    static void ensureStageTwo(Path data, Path runB, Path lm, Path runB2, Plan p, long seed, PrintStream log, String commandLine) throws IOException {
        String want = new ObjectMapper().writeValueAsString(new Object[] {p.steps(), p.batch(), p.lr(), p.trainQFormer(), p.mix().toString()})
                + (p.vqaRepeats().isNone() ? "" : " vqa-repeats " + p.vqaRepeats() + " ") + seed + " "
                + Provenance.sha256(runB.resolve(ElixrBRun.WEIGHTS)) + " " + Provenance.sha256(lm.resolve("model.safetensors"));
        if (!fresh(runB2, want, ElixrB2Run.WEIGHTS, log, "the stage-2 model")) return;
        var training = new Stage2Training.Config(p.steps(), p.batch(), Math.max(1, p.steps() / 2),
                new ContrastiveTraining.Optimisation(p.lr(), 0.05, 0.1, 1.0), ContrastiveTraining.Session.of(seed).resuming(true));
        Stage2Job.run(new Stage2Job.Options(data, runB, lm, runB2, LanguageProjection.Kind.MLP, p.trainQFormer(), p.mix(), 64, 32, training)
                        .withVqaRepeats(p.vqaRepeats()), commandLine, log);
    }

    /**
     * Whether {@code run} must be (re)trained: false when its marker records {@code want} and it holds {@code weights};
     * otherwise a folder of another plan is cleared and marked (an unfinished one of the same plan is resumed).
     */
    private static boolean fresh(Path run, String want, String weights, PrintStream log, String what) throws IOException {
        Path marker = run.resolve("demo-plan.json");
        boolean same = Files.exists(marker) && Files.readString(marker).equals(want);
        if (same && Files.exists(run.resolve(weights))) {
            log.println("elixr: using " + what + " in " + run);
            return false;
        }
        if (!same) {
            ElixrDemo.deleteTree(run);
            Files.createDirectories(run);
            Files.writeString(marker, want);
        }
        return true;
    }
}
