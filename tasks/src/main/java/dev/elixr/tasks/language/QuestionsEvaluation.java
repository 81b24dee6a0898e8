package dev.elixr.tasks.language;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.eval.EvalRecord;
import dev.elixr.tasks.progress.Progress;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code eval report-qa --method questions}: report QA by {@link QuestionCheck} — a structured checker that parses the
 * report and asks the stage-2 model visual questions about its assertions, not the paper's single prompt. The
 * thresholds of the verdict ({@link QuestionVerdict#fit}) are chosen on the validation split (a seeded sample of
 * {@code fitLimit} items, 0: all), separately for the image and for the text-only baseline (the same questions after
 * the soft prompt of the validation split's average image), then applied to the split evaluated; evaluating the
 * validation split itself scores the items the thresholds were fitted on (said so in the metrics). Writes
 * {@code RUN/eval/report-qa-questions[-split]/} metrics.json, items.csv (the verdicts), questions.csv (every question's
 * answers' log-probabilities; fit-questions.csv those of the validation items), manifest.json and eval.json.
 */
public final class QuestionsEvaluation {
    /** Quantile levels tried per threshold. */
    static final int LEVELS = 64;
    public static final String FIT_SPLIT = "validate";

    private QuestionsEvaluation() {}

    /** The checks of one side: per item the checked questions. */
    private record Side(List<QuestionCheck.Checked> image, List<QuestionCheck.Checked> baseline) {}

    public static Map<String, Object> run(ElixrB2Run run, LanguageEvaluation.Options o, int fitLimit, String commandLine, PrintStream log) throws IOException {
        Instant started = Instant.now();
        LanguageEvaluation.requireInputs(LanguageTask.REPORT_QA, o);
        if (fitLimit < 0) throw new IllegalArgumentException("--fit-limit " + fitLimit + ": must be >= 0 (0: every validation item)");
        List<CxrStudy> all = o.dataset().read(o.data());
        InstructionSet set = InstructionSet.read(o.data(), all, run.spec().statementFirst());
        QuestionCheck checker = new QuestionCheck(run);
        List<Instruction> fitItems = new ArrayList<>();
        Side fit = checks(checker, run, all, set, FIT_SPLIT, fitLimit, o.seed(), fitItems, log);
        List<String> fitTruth = fitItems.stream().map(Instruction::category).toList();
        double[] thImage = QuestionVerdict.fit(fit.image().stream().map(QuestionCheck.Checked::byType).toList(), fitTruth, LEVELS);
        double[] thBase = QuestionVerdict.fit(fit.baseline().stream().map(QuestionCheck.Checked::byType).toList(), fitTruth, LEVELS);
        List<Instruction> items = new ArrayList<>();
        Side scored = o.split().equals(FIT_SPLIT) && fitLimit == o.limit() ? fit : checks(checker, run, all, set, o.split(), o.limit(), o.seed(), items, log);
        if (scored == fit) items.addAll(fitItems);
        List<LanguageEvaluation.Answered> answered = answered(items, scored, thImage, thBase);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("task", LanguageTask.REPORT_QA.id());
        metrics.put("method", "questions");
        metrics.put("split", o.split());
        metrics.put("items", answered.size());
        metrics.put("image", LanguageEvaluation.score(LanguageTask.REPORT_QA, answered, false));
        metrics.put("text_only_baseline", LanguageEvaluation.score(LanguageTask.REPORT_QA, answered, true));
        metrics.put("baseline", "the same questions and verdict, thresholds fitted on its own validation answers, after the soft prompt of the split's average image");
        Map<String, Object> th = new LinkedHashMap<>();
        th.put("fitted_on", FIT_SPLIT + (fitLimit == 0 ? ", every item" : ", seeded sample of " + fitLimit + " (seed " + o.seed() + ")") + ": " + fitItems.size() + " items"
                + (o.split().equals(FIT_SPLIT) ? " (the split evaluated: in-sample figures)" : ""));
        th.put("image", QuestionVerdict.named(thImage));
        th.put("text_only_baseline", QuestionVerdict.named(thBase));
        List<LanguageEvaluation.Answered> fitAnswered = answered(fitItems, fit, thImage, thBase);
        th.put("fit_image", LanguageEvaluation.score(LanguageTask.REPORT_QA, fitAnswered, false));
        th.put("fit_text_only_baseline", LanguageEvaluation.score(LanguageTask.REPORT_QA, fitAnswered, true));
        metrics.put("thresholds", th);
        Path dir = run.dir().resolve("eval").resolve("report-qa-questions" + (o.split().equals("test") ? "" : "-" + o.split()));
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("metrics.json").toFile(), metrics);
        LanguageEvaluation.writeItems(dir.resolve("items.csv"), LanguageTask.REPORT_QA, answered);
        writeQuestions(dir.resolve("questions.csv"), items, scored);
        if (scored != fit) writeQuestions(dir.resolve("fit-questions.csv"), fitItems, fit);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", "elixr-language-manifest/1");
        manifest.put("task", LanguageTask.REPORT_QA.id());
        manifest.put("data", o.data().toAbsolutePath().normalize().toString());
        manifest.put("split", o.split());
        manifest.put("sample", o.limit() == 0 ? "every item" : "seeded sample of " + o.limit() + " (seed " + o.seed() + ")");
        manifest.put("dicom_ids", answered.stream().map(a -> a.item().dicomId()).distinct().toList());
        manifest.put("fit_dicom_ids", fitItems.stream().map(Instruction::dicomId).distinct().toList());
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("manifest.json").toFile(), manifest);
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("method", "questions");
        options.put("dataset", o.dataset().key());
        options.put("split", o.split());
        options.put("limit", o.limit());
        options.put("fit_split", FIT_SPLIT);
        options.put("fit_limit", fitLimit);
        options.put("scoring", "log-probability of each closed answer and end of sequence; no generation");
        options.put("thresholds", Map.of("image", QuestionVerdict.named(thImage), "text_only_baseline", QuestionVerdict.named(thBase)));
        EvalRecord.write(dir, run.stage1().imageRun(), run.dir(), "elixr-b-stage2",
                new EvalRecord.Inputs(LanguageTask.REPORT_QA.id(), commandLine, o.seed(), options, dir.resolve("manifest.json"), null, o.data(), started));
        return metrics;
    }

    /**
     * The image thresholds an earlier {@code eval report-qa --method questions} fitted for this run (its test or validation
     * metrics), for {@code check-report --method questions}.
     */
    public static double[] fittedThresholds(Path run) throws IOException {
        for (String d : new String[] {"report-qa-questions", "report-qa-questions-" + FIT_SPLIT}) {
            Path f = run.resolve("eval").resolve(d).resolve("metrics.json");
            if (!Files.isRegularFile(f)) continue;
            var th = new ObjectMapper().readTree(f.toFile()).path("thresholds").path("image");
            double[] out = new double[QuestionVerdict.TYPES.size()];
            for (int t = 0; t < out.length; t++) {
                var v = th.get(QuestionVerdict.TYPES.get(t));
                if (v == null) throw new IllegalArgumentException(f + ": no thresholds.image." + QuestionVerdict.TYPES.get(t));
                out[t] = v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText());
            }
            return out;
        }
        throw new java.nio.file.NoSuchFileException(run.resolve("eval").resolve("report-qa-questions").resolve("metrics.json").toString(), null,
                "no thresholds fitted for this run: run elixr eval report-qa --method questions --run " + run + " --data DIR first (it fits them on the validation split)");
    }

    /** Checks every sampled report-QA item of a split after its image and after the split's average image. */
    private static Side checks(QuestionCheck checker, ElixrB2Run run, List<CxrStudy> all, InstructionSet set, String split, int limit, long seed,
                               List<Instruction> itemsOut, PrintStream log) throws IOException {
        ImageTokens images = Stage2Job.tokens(run.dir(), split, run.stage1(), all, log);
        List<Instruction> items = LanguageEvaluation.sample(images.readable(set.items(LanguageTask.REPORT_QA, split).stream()
                .filter(i -> !i.type().equals(ImageFindings.ITEM_TYPE)).toList()), limit, seed);
        if (items.isEmpty()) throw new IllegalArgumentException("no report-qa items with a readable image in split '" + split + "'");
        Tensor average = images.mean();
        Progress progress = new Progress("report-qa questions (" + split + ")", items.size(), "item");
        List<QuestionCheck.Checked> img = new ArrayList<>(), base = new ArrayList<>();
        for (Instruction i : items) {
            String report = InstructionPrompts.reportOf(i.prompt());
            img.add(checker.check(images.batch(List.of(i)), report));
            base.add(checker.check(average, report));
            progress.advance(1, "");
        }
        progress.finish();
        itemsOut.addAll(items);
        return new Side(img, base);
    }

    private static List<LanguageEvaluation.Answered> answered(List<Instruction> items, Side s, double[] thImage, double[] thBase) {
        List<LanguageEvaluation.Answered> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++)
            out.add(new LanguageEvaluation.Answered(items.get(i), InstructionPrompts.verdict(QuestionVerdict.verdict(s.image().get(i).byType(), thImage)),
                    InstructionPrompts.verdict(QuestionVerdict.verdict(s.baseline().get(i).byType(), thBase))));
        return out;
    }

    private static void writeQuestions(Path file, List<Instruction> items, Side s) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println("dicom_id,truth_error,question_error,label,question,answers,implied,log_probs,evidence,baseline_log_probs,baseline_evidence");
            for (int i = 0; i < items.size(); i++) {
                QuestionCheck.Checked c = s.image().get(i), b = s.baseline().get(i);
                for (int q = 0; q < c.questions().size(); q++) {
                    AssertionQuestions.Question qu = c.questions().get(q);
                    w.println(String.join(",", items.get(i).dicomId(), items.get(i).category(), qu.error(), qu.label().name(), "\"" + qu.text() + "\"",
                            String.join("|", qu.answers()), qu.implied(), join(c.logProbs()[q]), num(c.evidence()[q]), join(b.logProbs()[q]), num(b.evidence()[q])));
                }
            }
        }
    }

    private static String join(double[] v) {
        List<String> s = new ArrayList<>();
        for (double x : v) s.add(num(x));
        return String.join("|", s);
    }

    private static String num(double x) { return String.format(Locale.ROOT, "%.4f", x); }
}
