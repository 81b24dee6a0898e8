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
 * {@code eval report-qa --method questions} and {@code --method combined}: report QA by {@link QuestionCheck} — a
 * structured checker that parses the report and asks the stage-2 model visual questions about its assertions, not the
 * paper's single prompt — alone ({@link QuestionVerdict}: a threshold per error type) or combined with the paper's
 * one-prompt verdict scored by likelihood ({@link VerdictLikelihood}, {@link CombinedVerdict}: a logistic regression
 * over both). The thresholds or the regression are fitted on the validation split (a seeded sample of {@code fitLimit}
 * items, 0: all), separately for the image and for the text-only baseline (the same questions and prompt after the
 * soft prompt of the validation split's average image), then applied to the split evaluated; evaluating the
 * validation split itself scores the items they were fitted on (said so in the metrics). Writes
 * {@code RUN/eval/report-qa-METHOD[-split]/} metrics.json, items.csv (the verdicts), questions.csv (every question's
 * answers' log-probabilities; fit-questions.csv those of the validation items), with {@code combined} features.csv and
 * fit-features.csv (each item's features and verdict log-probabilities), manifest.json and eval.json.
 */
public final class QuestionsEvaluation {
    /** Quantile levels tried per threshold. */
    static final int LEVELS = 64;
    public static final String FIT_SPLIT = "validate";

    private QuestionsEvaluation() {}

    /** The decision rule: thresholds over the questions' evidence, or the regression over it and the scored verdict. */
    public enum Method {
        QUESTIONS, COMBINED;

        public String id() { return name().toLowerCase(Locale.ROOT); }

        /** The method named on the command line ("questions" or "combined"). */
        public static Method of(String id) {
            for (Method m : values()) if (m.id().equals(id)) return m;
            throw new IllegalArgumentException("report QA method '" + id + "': expected questions or combined");
        }
    }

    /**
     * The checks of the items: per item the checked questions after its image and after the average image, and with
     * {@link Method#COMBINED} the verdict's log-probabilities after each ({@link VerdictLikelihood}; else null).
     */
    private record Side(List<QuestionCheck.Checked> image, List<QuestionCheck.Checked> baseline, List<double[]> verdictImage, List<double[]> verdictBaseline) {
        double[] features(int i, boolean baseline) {
            return CombinedVerdict.features((baseline ? this.baseline : image).get(i).byType(), (baseline ? verdictBaseline : verdictImage).get(i));
        }

        List<double[]> features(boolean baseline) {
            List<double[]> out = new ArrayList<>();
            for (int i = 0; i < image.size(); i++) out.add(features(i, baseline));
            return out;
        }
    }

    /** A fitted decision for one side (the image's or the baseline's): the verdict of item i of a side, and what was fitted. */
    private interface Rule {
        String verdict(Side s, int i, boolean baseline);

        Map<String, Object> describe();
    }

    /** {@code --method questions}: as {@link #run(ElixrB2Run, LanguageEvaluation.Options, int, Method, String, PrintStream)}. */
    public static Map<String, Object> run(ElixrB2Run run, LanguageEvaluation.Options o, int fitLimit, String commandLine, PrintStream log) throws IOException {
        return run(run, o, fitLimit, Method.QUESTIONS, commandLine, log);
    }

    public static Map<String, Object> run(ElixrB2Run run, LanguageEvaluation.Options o, int fitLimit, Method method, String commandLine, PrintStream log) throws IOException {
        return evaluate(run, o, fitLimit, method, commandLine, log).metrics();
    }

    /** As {@link #run(ElixrB2Run, LanguageEvaluation.Options, int, Method, String, PrintStream)}, returning the answered items beside the metrics. */
    public static LanguageEvaluation.Result evaluate(ElixrB2Run run, LanguageEvaluation.Options o, int fitLimit, Method method, String commandLine,
                                                     PrintStream log) throws IOException {
        Instant started = Instant.now();
        LanguageEvaluation.requireInputs(LanguageTask.REPORT_QA, o);
        if (fitLimit < 0) throw new IllegalArgumentException("--fit-limit " + fitLimit + ": must be >= 0 (0: every validation item)");
        List<CxrStudy> all = o.dataset().read(o.data());
        InstructionSet set = InstructionSet.read(o.data(), all, run.spec().statementFirst());
        QuestionCheck checker = new QuestionCheck(run);
        List<Instruction> fitItems = new ArrayList<>();
        boolean combined = method == Method.COMBINED;
        Side fit = checks(checker, run, all, set, FIT_SPLIT, fitLimit, o.seed(), combined, fitItems, log);
        List<String> fitTruth = fitItems.stream().map(Instruction::category).toList();
        Rule image = combined ? combinedRule(fit, fitTruth, false) : thresholdRule(fit, fitTruth, false);
        Rule base = combined ? combinedRule(fit, fitTruth, true) : thresholdRule(fit, fitTruth, true);
        List<Instruction> items = new ArrayList<>();
        Side scored = o.split().equals(FIT_SPLIT) && fitLimit == o.limit() ? fit
                : checks(checker, run, all, set, o.split(), o.limit(), o.seed(), combined, items, log);
        if (scored == fit) items.addAll(fitItems);
        List<LanguageEvaluation.Answered> answered = answered(items, scored, image, base);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("task", LanguageTask.REPORT_QA.id());
        metrics.put("method", method.id());
        metrics.put("split", o.split());
        metrics.put("items", answered.size());
        metrics.put("image", LanguageEvaluation.score(LanguageTask.REPORT_QA, answered, false));
        metrics.put("text_only_baseline", LanguageEvaluation.score(LanguageTask.REPORT_QA, answered, true));
        metrics.put("baseline", "the same " + (combined ? "questions, prompt and regression, fitted" : "questions and verdict, thresholds fitted")
                + " on its own validation answers, after the soft prompt of the split's average image");
        Map<String, Object> th = new LinkedHashMap<>();
        th.put("fitted_on", FIT_SPLIT + (fitLimit == 0 ? ", every item" : ", seeded sample of " + fitLimit + " (seed " + o.seed() + ")") + ": " + fitItems.size() + " items"
                + (o.split().equals(FIT_SPLIT) ? " (the split evaluated: in-sample figures)" : ""));
        th.put("image", image.describe());
        th.put("text_only_baseline", base.describe());
        List<LanguageEvaluation.Answered> fitAnswered = answered(fitItems, fit, image, base);
        th.put("fit_image", LanguageEvaluation.score(LanguageTask.REPORT_QA, fitAnswered, false));
        th.put("fit_text_only_baseline", LanguageEvaluation.score(LanguageTask.REPORT_QA, fitAnswered, true));
        metrics.put(combined ? "model" : "thresholds", th);
        Path dir = run.dir().resolve("eval").resolve("report-qa-" + method.id() + (o.split().equals("test") ? "" : "-" + o.split()));
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("metrics.json").toFile(), metrics);
        LanguageEvaluation.writeItems(dir.resolve("items.csv"), LanguageTask.REPORT_QA, answered);
        writeQuestions(dir.resolve("questions.csv"), items, scored);
        if (scored != fit) writeQuestions(dir.resolve("fit-questions.csv"), fitItems, fit);
        if (combined) {
            writeFeatures(dir.resolve("features.csv"), items, scored);
            if (scored != fit) writeFeatures(dir.resolve("fit-features.csv"), fitItems, fit);
        }
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
        options.put("method", method.id());
        options.put("dataset", o.dataset().key());
        options.put("split", o.split());
        options.put("limit", o.limit());
        options.put("fit_split", FIT_SPLIT);
        options.put("fit_limit", fitLimit);
        options.put("scoring", "log-probability of each closed answer and end of sequence; no generation");
        options.put(combined ? "model" : "thresholds", Map.of("image", image.describe(), "text_only_baseline", base.describe()));
        EvalRecord.write(dir, run.stage1().imageRun(), run.dir(), "elixr-b-stage2",
                new EvalRecord.Inputs(LanguageTask.REPORT_QA.id(), commandLine, o.seed(), options, dir.resolve("manifest.json"), null, o.data(), started));
        return new LanguageEvaluation.Result(metrics, List.copyOf(answered));
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

    /**
     * The image's regression an earlier {@code eval report-qa --method combined} fitted for this run (its test or
     * validation metrics), for {@code check-report --method combined}.
     */
    public static CombinedVerdict.Model fittedModel(Path run) throws IOException {
        String m = Method.COMBINED.id();
        for (String d : new String[] {"report-qa-" + m, "report-qa-" + m + "-" + FIT_SPLIT}) {
            Path f = run.resolve("eval").resolve(d).resolve("metrics.json");
            if (!Files.isRegularFile(f)) continue;
            var node = new ObjectMapper().readTree(f.toFile()).path("model").path("image");
            if (!node.path("features").isArray() || !CombinedVerdict.FEATURES.equals(strings(node.path("features"))))
                throw new IllegalArgumentException(f + ": model.image.features is not " + CombinedVerdict.FEATURES + " (fitted by another version: rerun elixr eval report-qa --method combined)");
            double[][] w = new double[CombinedVerdict.CLASSES.size() - 1][];
            for (int k = 1; k < CombinedVerdict.CLASSES.size(); k++) w[k - 1] = doubles(node.path("weights_then_bias").path(CombinedVerdict.CLASSES.get(k)), f);
            return new CombinedVerdict.Model(doubles(node.path("mean"), f), doubles(node.path("sd"), f), w);
        }
        throw new java.nio.file.NoSuchFileException(run.resolve("eval").resolve("report-qa-" + m).resolve("metrics.json").toString(), null,
                "no model fitted for this run: run elixr eval report-qa --method combined --run " + run + " --data DIR first (it fits it on the validation split)");
    }

    private static List<String> strings(com.fasterxml.jackson.databind.JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static double[] doubles(com.fasterxml.jackson.databind.JsonNode a, Path f) {
        if (!a.isArray()) throw new IllegalArgumentException(f + ": expected an array of numbers in model.image");
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
        return out;
    }

    /** Checks every sampled report-QA item of a split after its image and after the split's average image. */
    private static Side checks(QuestionCheck checker, ElixrB2Run run, List<CxrStudy> all, InstructionSet set, String split, int limit, long seed,
                               boolean verdicts, List<Instruction> itemsOut, PrintStream log) throws IOException {
        ImageTokens images = Stage2Job.tokens(run.dir(), split, run.stage1(), all, log);
        List<Instruction> items = LanguageEvaluation.sample(images.readable(set.items(LanguageTask.REPORT_QA, split).stream()
                .filter(i -> !i.type().equals(ImageFindings.ITEM_TYPE)).toList()), limit, seed);
        if (items.isEmpty()) throw new IllegalArgumentException("no report-qa items with a readable image in split '" + split + "'");
        Tensor average = images.mean();
        Progress progress = new Progress("report-qa questions (" + split + ")", items.size(), "item");
        int n = items.size();
        QuestionCheck.Checked[] img = new QuestionCheck.Checked[n], base = new QuestionCheck.Checked[n];
        double[][] vImg = new double[n][], vBase = new double[n][];
        OneItemPerCore.run(run.model(), n, k -> {
            Instruction i = items.get(k);
            String report = InstructionPrompts.reportOf(i.prompt());
            Tensor tower = images.batch(List.of(i));
            img[k] = checker.check(tower, report);
            base[k] = checker.check(average, report);
            if (verdicts) {
                vImg[k] = VerdictLikelihood.of(run, tower, report);
                vBase[k] = VerdictLikelihood.of(run, average, report);
            }
            progress.advance(1, "");
        });
        progress.finish();
        itemsOut.addAll(items);
        return new Side(List.of(img), List.of(base), verdicts ? List.of(vImg) : null, verdicts ? List.of(vBase) : null);
    }

    private static Rule thresholdRule(Side fit, List<String> truth, boolean baseline) {
        double[] th = QuestionVerdict.fit((baseline ? fit.baseline() : fit.image()).stream().map(QuestionCheck.Checked::byType).toList(), truth, LEVELS);
        return new Rule() {
            @Override public String verdict(Side s, int i, boolean b) { return QuestionVerdict.verdict((b ? s.baseline() : s.image()).get(i).byType(), th); }

            @Override public Map<String, Object> describe() { return new LinkedHashMap<>(QuestionVerdict.named(th)); }
        };
    }

    private static Rule combinedRule(Side fit, List<String> truth, boolean baseline) {
        CombinedVerdict.Model m = CombinedVerdict.fit(fit.features(baseline), truth);
        return new Rule() {
            @Override public String verdict(Side s, int i, boolean b) { return m.verdict(s.features(i, b)); }

            @Override public Map<String, Object> describe() { return m.describe(); }
        };
    }

    private static List<LanguageEvaluation.Answered> answered(List<Instruction> items, Side s, Rule image, Rule base) {
        List<LanguageEvaluation.Answered> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++)
            out.add(new LanguageEvaluation.Answered(items.get(i), InstructionPrompts.verdict(image.verdict(s, i, false)),
                    InstructionPrompts.verdict(base.verdict(s, i, true))));
        return out;
    }

    private static void writeFeatures(Path file, List<Instruction> items, Side s) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            List<String> head = new ArrayList<>(List.of("dicom_id", "truth_error"));
            for (String side : List.of("", "baseline_")) {
                for (String f : CombinedVerdict.FEATURES) head.add(side + f);
                for (String a : VerdictLikelihood.ANSWERS) head.add(side + "verdict_log_prob_" + a);
            }
            w.println(String.join(",", head));
            for (int i = 0; i < items.size(); i++) {
                List<String> row = new ArrayList<>(List.of(items.get(i).dicomId(), items.get(i).category()));
                for (boolean b : new boolean[] {false, true}) {
                    for (double x : s.features(i, b)) row.add(num(x));
                    for (double x : (b ? s.verdictBaseline() : s.verdictImage()).get(i)) row.add(num(x));
                }
                w.println(String.join(",", row));
            }
        }
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
