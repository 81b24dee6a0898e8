package dev.elixr.tasks.language;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.eval.EvalRecord;
import dev.elixr.tasks.metrics.RougeL;
import dev.elixr.tasks.metrics.TextTokens;
import dev.elixr.tasks.progress.Progress;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The stage-2 evaluations (Xu et al. 2023, §2.5) on a split of the data set: every item is answered twice by greedy
 * decoding, once after its image's soft prompt and once after the soft prompt of the split's average image (the mean
 * of every image's tower tokens) through the same adapter and LLM — the text-only baseline, which sees a typical soft
 * prompt but nothing of the item's image, and catches a model answering from the wording alone. (A blank, all-black
 * image lies far outside the images the adapter was trained on and made the LLM emit garbage: too weak a baseline.)
 * <ul>
 *   <li>{@code vqa}: accuracy (exact match after {@link AnswerScore#normalise}) overall, for closed and open questions
 *   and per question category; token F1 and exact match of the open questions.</li>
 *   <li>{@code report-qa}: accuracy of correct-vs-erroneous, accuracy of the error type (none counts as a type), and
 *   per injected error type; a verdict that names no known error is wrong. A run taught to check reports in two steps
 *   first states what the image shows, then gives the verdict after that statement ({@link Assistant#statementThenVerdict});
 *   only the verdict is scored.</li>
 *   <li>{@code impression}: the generated impression against the report's IMPRESSION ({@link ImpressionScore}):
 *   per-finding F1 and macro F1 of what our keyword labeller reads in both, BLEU-4 and ROUGE-L.</li>
 * </ul>
 * Each writes {@code RUN/eval/<task>/metrics.json}, {@code items.csv}, {@code manifest.json} (the items evaluated) and
 * {@code eval.json}.
 */
public final class LanguageEvaluation {
    /**
     * The data set (its root and layout), the split to evaluate, at most {@code limit} items (0: all; else a seeded
     * sample), new-token budget, and the sample's seed.
     */
    public record Options(Path data, CxrDataset dataset, String split, int limit, int maxNewTokens, long seed) {
        public Options {
            java.util.Objects.requireNonNull(dataset, "dataset");
            if (limit < 0) throw new IllegalArgumentException("--limit " + limit + ": must be >= 0 (0: every item)");
            if (maxNewTokens < 1) throw new IllegalArgumentException("--max-new-tokens " + maxNewTokens + ": must be >= 1");
        }

        /** On a MIMIC-CXR-JPG layout (elixr demo's data). */
        public Options(Path data, String split, int limit, int maxNewTokens, long seed) {
            this(data, CxrDataset.MIMIC, split, limit, maxNewTokens, seed);
        }
    }

    /** One answered item: the image-conditioned answer and the text-only baseline's. */
    public record Answered(Instruction item, String answer, String baseline) {}

    /** The metrics written and every answered item, in evaluation order (for reports that show examples). */
    public record Result(Map<String, Object> metrics, List<Answered> answered) {}

    private LanguageEvaluation() {}

    /** Runs one task's evaluation into {@code RUN/eval/<task>[-split]} and returns the metrics written. */
    public static Map<String, Object> run(ElixrB2Run run, LanguageTask task, Options o, String commandLine, PrintStream log) throws IOException {
        return evaluate(run, task, o, commandLine, log).metrics();
    }

    /** As {@link #run}, returning the answered items beside the metrics. */
    public static Result evaluate(ElixrB2Run run, LanguageTask task, Options o, String commandLine, PrintStream log) throws IOException {
        Instant started = Instant.now();
        requireInputs(task, o);
        List<CxrStudy> all = o.dataset().read(o.data());
        InstructionSet set = InstructionSet.read(o.data(), all, run.spec().statementFirst());
        ImageTokens images = Stage2Job.tokens(run.dir(), o.split(), run.stage1(), all, log);
        List<Instruction> items = sample(images.readable(set.items(task, o.split()).stream()
                .filter(i -> !i.type().equals(ImageFindings.ITEM_TYPE)).toList()), o.limit(), o.seed());
        if (items.isEmpty())
            throw new IllegalArgumentException("no " + task.id() + " items with a readable image in split '" + o.split() + "' of " + o.data()
                    + switch (task) {
                        case VQA -> " (" + InstructionSet.VQA + ")";
                        case REPORT_QA -> " (" + InstructionSet.REPORT_QA + ")";
                        case IMPRESSION -> " (reports with an IMPRESSION section)";
                    });
        Assistant assistant = new Assistant(run);
        Tensor average = images.mean();
        Progress progress = new Progress("eval " + task.id(), items.size(), "item");
        Answered[] each = new Answered[items.size()];
        OneItemPerCore.run(run.model(), items.size(), k -> {
            Instruction i = items.get(k);
            Tensor tower = images.batch(List.of(i));
            String a = answer(assistant, run, tower, i, o.maxNewTokens()), b = answer(assistant, run, average, i, o.maxNewTokens());
            each[k] = new Answered(i, a, b);
            progress.advance(1, "");
        });
        List<Answered> answered = List.of(each);
        progress.finish();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("task", task.id());
        metrics.put("split", o.split());
        metrics.put("items", answered.size());
        metrics.put("image", score(task, answered, false));
        metrics.put("text_only_baseline", score(task, answered, true));
        metrics.put("baseline", "the same adapter and LLM after the soft prompt of the split's average image (mean tower tokens of its "
                + images.tokens().count() + " images)");
        Path dir = run.dir().resolve("eval").resolve(task.id() + (o.split().equals("test") ? "" : "-" + o.split()));
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("metrics.json").toFile(), metrics);
        writeItems(dir.resolve("items.csv"), task, answered);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", "elixr-language-manifest/1");
        manifest.put("task", task.id());
        manifest.put("data", o.data().toAbsolutePath().normalize().toString());
        manifest.put("split", o.split());
        manifest.put("sample", o.limit() == 0 ? "every item" : "seeded sample of " + o.limit() + " (seed " + o.seed() + ")");
        manifest.put("dicom_ids", answered.stream().map(a -> a.item().dicomId()).distinct().toList());
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("manifest.json").toFile(), manifest);
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("dataset", o.dataset().key());
        options.put("split", o.split());
        options.put("limit", o.limit());
        options.put("max_new_tokens", o.maxNewTokens());
        options.put("decoding", "greedy");
        EvalRecord.write(dir, run.stage1().imageRun(), run.dir(), "elixr-b-stage2",
                new EvalRecord.Inputs(task.id(), commandLine, o.seed(), options, dir.resolve("manifest.json"), null, o.data(), started));
        return new Result(metrics, List.copyOf(answered));
    }

    /** Refuses, before any image is read, a data set without the file (or the reports) the task's items come from. */
    static void requireInputs(LanguageTask task, Options o) throws NoSuchFileException {
        String what = switch (task) {
            case VQA -> Files.isRegularFile(o.data().resolve(InstructionSet.VQA)) ? null : InstructionSet.VQA;
            case REPORT_QA -> Files.isRegularFile(o.data().resolve(InstructionSet.REPORT_QA)) ? null : InstructionSet.REPORT_QA;
            case IMPRESSION -> o.dataset().hasReports() ? null : "reports";
        };
        if (what == null) return;
        String file = what.equals("reports") ? o.data().toString() : o.data().resolve(what).toString();
        throw new NoSuchFileException(file, null, "eval " + task.id() + " needs " + what + " and the " + o.dataset().key()
                + " data set at " + o.data() + " has none" + (what.equals("reports") ? "" : " (elixr data synth writes one in every layout)"));
    }

    /**
     * The answer to one item after the soft prompt of {@code tower}; a report check of a run taught in two steps
     * ({@link ElixrB2Run.Spec#statementFirst}) states what this soft prompt's image shows and is judged after that
     * statement, never the true one its training prompt carries.
     */
    static String answer(Assistant assistant, ElixrB2Run run, Tensor tower, Instruction i, int maxNewTokens) {
        if (i.task() == LanguageTask.REPORT_QA && run.spec().statementFirst() && i.prompt().startsWith(ImageFindings.OPEN))
            return assistant.statementThenVerdict(tower, st -> ImageFindings.withStatement(i.prompt(), st), maxNewTokens, s -> {}).text();
        return assistant.generate(tower, i.prompt(), maxNewTokens, s -> {}).text().trim();
    }

    /** All items, or a seeded sample of {@code limit} of them kept in their original order. */
    static List<Instruction> sample(List<Instruction> items, int limit, long seed) {
        if (limit == 0 || limit >= items.size()) return items;
        Integer[] order = new Integer[items.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Integer t = order[i]; order[i] = order[j]; order[j] = t;
        }
        return java.util.Arrays.stream(order, 0, limit).sorted(Comparator.naturalOrder()).map(items::get).toList();
    }

    /** The metrics of one side (the image-conditioned answers, or with {@code baseline} the text-only ones) of answered items. */
    public static Map<String, Object> score(LanguageTask task, List<Answered> answered, boolean baseline) {
        return switch (task) {
            case VQA -> vqa(answered, baseline);
            case REPORT_QA -> reportQa(answered, baseline);
            case IMPRESSION -> ImpressionScore.score(answered.stream().map(a -> baseline ? a.baseline() : a.answer()).toList(),
                    answered.stream().map(a -> a.item().answer()).toList());
        };
    }

    static Map<String, Object> vqa(List<Answered> answered, boolean baseline) {
        Counter all = new Counter(), closed = new Counter(), open = new Counter();
        double f1 = 0;
        Map<String, Counter> byCategory = new TreeMap<>();
        for (Answered a : answered) {
            String answer = baseline ? a.baseline() : a.answer();
            boolean hit = AnswerScore.exactMatch(answer, a.item().answer());
            all.add(hit);
            (a.item().type().equals("open") ? open : closed).add(hit);
            if (a.item().type().equals("open")) f1 += AnswerScore.tokenF1(answer, a.item().answer());
            byCategory.computeIfAbsent(a.item().type() + "/" + a.item().category(), k -> new Counter()).add(hit);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", all.rate());
        m.put("closed_accuracy", closed.rate());
        m.put("closed_items", closed.n);
        m.put("open_exact_match", open.rate());
        m.put("open_token_f1", open.n == 0 ? null : f1 / open.n);
        m.put("open_items", open.n);
        Map<String, Object> per = new LinkedHashMap<>();
        byCategory.forEach((k, c) -> per.put(k, Map.of("accuracy", c.rate(), "items", c.n)));
        m.put("by_category", per);
        return m;
    }

    static Map<String, Object> reportQa(List<Answered> answered, boolean baseline) {
        Counter binary = new Counter(), type = new Counter();
        Map<String, Counter> byError = new TreeMap<>();
        for (Answered a : answered) {
            String predicted = InstructionPrompts.parseVerdict(baseline ? a.baseline() : a.answer()), truth = a.item().category();
            boolean saysCorrect = predicted.equals("none"), parsed = !predicted.equals("unparsed");
            binary.add(parsed && saysCorrect == truth.equals("none"));
            boolean typeHit = predicted.equals(truth);
            type.add(typeHit);
            byError.computeIfAbsent(truth, k -> new Counter()).add(typeHit);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", binary.rate());
        m.put("error_type_accuracy", type.rate());
        Map<String, Object> per = new LinkedHashMap<>();
        byError.forEach((k, c) -> per.put(k, Map.of("accuracy", c.rate(), "items", c.n)));
        m.put("by_error_type", per);
        return m;
    }

    static void writeItems(Path file, LanguageTask task, List<Answered> answered) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println(switch (task) {
                case VQA -> "dicom_id,type,category,question,truth,answer,correct,baseline_answer,baseline_correct";
                case REPORT_QA -> "dicom_id,truth_error,answer,predicted_error,baseline_answer,baseline_predicted_error";
                case IMPRESSION -> "dicom_id,reference,reference_findings,generated,generated_findings,rouge_l,baseline,baseline_findings,baseline_rouge_l";
            });
            for (Answered a : answered) {
                Instruction i = a.item();
                if (task == LanguageTask.IMPRESSION) {
                    List<String> ref = TextTokens.of(i.answer());
                    w.println(String.join(",", csv(i.dicomId()), csv(i.answer()), csv(ImpressionScore.asserted(i.answer())), csv(a.answer()),
                            csv(ImpressionScore.asserted(a.answer())), Double.toString(RougeL.f1(TextTokens.of(a.answer()), ref)), csv(a.baseline()),
                            csv(ImpressionScore.asserted(a.baseline())), Double.toString(RougeL.f1(TextTokens.of(a.baseline()), ref))));
                } else if (task == LanguageTask.VQA) {
                    w.println(String.join(",", csv(i.dicomId()), csv(i.type()), csv(i.category()), csv(i.prompt()), csv(i.answer()), csv(a.answer()),
                            Boolean.toString(AnswerScore.exactMatch(a.answer(), i.answer())), csv(a.baseline()),
                            Boolean.toString(AnswerScore.exactMatch(a.baseline(), i.answer()))));
                } else {
                    w.println(String.join(",", csv(i.dicomId()), csv(i.category()), csv(a.answer()), csv(InstructionPrompts.parseVerdict(a.answer())),
                            csv(a.baseline()), csv(InstructionPrompts.parseVerdict(a.baseline()))));
                }
            }
        }
    }

    private static String csv(String s) { return "\"" + s.replace("\"", "\"\"") + "\""; }

    private static final class Counter {
        int n, hits;

        void add(boolean hit) {
            n++;
            if (hit) hits++;
        }

        Double rate() { return n == 0 ? null : (double) hits / n; }
    }
}
