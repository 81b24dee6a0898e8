package dev.elixr.tasks.report;

import dev.elixr.tasks.language.Instruction;
import dev.elixr.tasks.language.InstructionPrompts;
import dev.elixr.tasks.language.LanguageEvaluation;
import dev.elixr.tasks.language.LanguageTask;
import dev.elixr.tasks.train.TrainingHistory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The ELIXR-B stage-2 part of the demo report (Xu et al. 2023, §2.5): per task the image-conditioned figure beside the
 * text-only baseline's, the stage-2 loss curves, and examples — image, question, answer, truth; image, report with its
 * injected error, verdict; image, generated and reference impression.
 */
public final class LanguageReport {
    /** Examples shown per task. */
    static final int EXAMPLES = 8;

    private LanguageReport() {}

    /** Appends the stage-2 sections; thumbnail maps a test dicom_id to a PNG (null: no images). */
    public static void append(HtmlReport r, String description, TrainingHistory history, Map<LanguageTask, LanguageEvaluation.Result> results,
                              Function<String, byte[]> thumbnail) {
        r.heading(2, "ELIXR-B stage 2: visual question answering, report QA, impressions");
        r.paragraph(description);
        if (history != null && !history.steps().isEmpty()) curves(r, history);
        List<List<String>> rows = new ArrayList<>();
        for (var e : results.entrySet()) {
            Map<?, ?> m = e.getValue().metrics();
            String task = e.getKey().id() + " (" + m.get("items") + " test items)";
            for (String[] k : switch (e.getKey()) {
                case VQA -> new String[][] {{"accuracy", "accuracy"}, {"closed_accuracy", "closed-question accuracy"},
                        {"open_exact_match", "open-question exact match"}, {"open_token_f1", "open-question token F1"}};
                case REPORT_QA -> new String[][] {{"accuracy", "correct vs erroneous accuracy"}, {"error_type_accuracy", "error-type accuracy"}};
                case IMPRESSION -> new String[][] {{"macro_f1", "finding macro F1"}, {"bleu4", "BLEU-4"}, {"rouge_l", "ROUGE-L"}};
            })
                rows.add(List.of(task, k[1], figure(m, "image", k[0]), figure(m, "text_only_baseline", k[0])));
        }
        r.table(List.of("task", "metric", "image", "text-only baseline"), rows);
        LanguageEvaluation.Result vqa = results.get(LanguageTask.VQA);
        if (vqa != null) {
            byCategory(r, vqa.metrics());
            examples(r, "Visual questions", vqa, thumbnail, a -> List.of(
                    "question: " + question(a.item().prompt()), "answer: " + a.answer(), "truth: " + a.item().answer(),
                    "text-only: " + a.baseline()));
        }
        LanguageEvaluation.Result qa = results.get(LanguageTask.REPORT_QA);
        if (qa != null)
            examples(r, "Report checks", qa, thumbnail, a -> List.of(
                    "report: " + report(a.item().prompt()), "injected error: " + a.item().category(),
                    "verdict: " + a.answer() + " (" + (InstructionPrompts.parseVerdict(a.answer()).equals(a.item().category()) ? "right" : "wrong") + ")",
                    "text-only: " + a.baseline()));
        LanguageEvaluation.Result imp = results.get(LanguageTask.IMPRESSION);
        if (imp != null)
            examples(r, "Generated impressions", imp, thumbnail, a -> List.of("generated: " + a.answer(), "reference: " + a.item().answer(),
                    "text-only: " + a.baseline()));
    }

    /** A metric of metrics.json's "image" or "text_only_baseline" side, three decimals, or "n/a". */
    public static String figure(Map<?, ?> metrics, String side, String metric) {
        Object s = metrics.get(side);
        Object v = s instanceof Map<?, ?> m ? m.get(metric) : null;
        return v instanceof Number n ? String.format(Locale.ROOT, "%.3f", n.doubleValue()) : "n/a";
    }

    static void curves(HtmlReport r, TrainingHistory h) {
        List<Svg.Series> series = ElixrCReport.lossSeries(h);
        r.figures(List.of(Svg.lineChart("stage-2 answer loss", "step", "loss", series, null, null)));
    }

    static void byCategory(HtmlReport r, Map<?, ?> metrics) {
        Map<?, ?> image = (Map<?, ?>) ((Map<?, ?>) metrics.get("image")).get("by_category");
        Map<?, ?> base = (Map<?, ?>) ((Map<?, ?>) metrics.get("text_only_baseline")).get("by_category");
        List<List<String>> rows = new ArrayList<>();
        for (var e : image.entrySet()) {
            Map<?, ?> i = (Map<?, ?>) e.getValue(), b = (Map<?, ?>) base.get(e.getKey());
            rows.add(List.of(String.valueOf(e.getKey()), String.valueOf(i.get("items")), number(i.get("accuracy")),
                    b == null ? "n/a" : number(b.get("accuracy"))));
        }
        r.table(List.of("VQA question type", "items", "accuracy", "text-only accuracy"), rows);
    }

    private static String number(Object v) { return v instanceof Number n ? String.format(Locale.ROOT, "%.3f", n.doubleValue()) : "n/a"; }

    /** The first {@link #EXAMPLES} answered items: the image, then the lines given, each escaped. */
    static void examples(HtmlReport r, String title, LanguageEvaluation.Result result, Function<String, byte[]> thumbnail,
                         Function<LanguageEvaluation.Answered, List<String>> lines) {
        r.heading(3, title);
        StringBuilder sb = new StringBuilder("<div class=\"examples\">");
        for (LanguageEvaluation.Answered a : result.answered().subList(0, Math.min(EXAMPLES, result.answered().size()))) {
            Instruction i = a.item();
            sb.append("<div class=\"example\" style=\"display:flex;gap:8px;align-items:flex-start;margin:4px 0\">");
            if (thumbnail != null) sb.append(HtmlReport.thumbnail(thumbnail.apply(i.dicomId()), i.dicomId().substring(0, Math.min(8, i.dicomId().length())), "ex"));
            sb.append("<div>");
            for (String line : lines.apply(a)) sb.append("<div>").append(Svg.escape(line)).append("</div>");
            sb.append("</div></div>");
        }
        r.raw(sb.append("</div>").toString());
    }

    /** The question of a VQA prompt ("Question: … Answer:"). */
    static String question(String prompt) { return strip(prompt, "Question: ", " Answer:"); }

    /** The report of a report-QA prompt ("Report: … Is this report correct? Answer:"). */
    static String report(String prompt) { return strip(prompt, "Report: ", " Is this report correct? Answer:"); }

    private static String strip(String s, String head, String tail) {
        if (s.startsWith(head)) s = s.substring(head.length());
        if (s.endsWith(tail)) s = s.substring(0, s.length() - tail.length());
        return s;
    }
}
