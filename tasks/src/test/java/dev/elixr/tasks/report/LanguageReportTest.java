package dev.elixr.tasks.report;

import dev.elixr.tasks.language.Instruction;
import dev.elixr.tasks.language.InstructionPrompts;
import dev.elixr.tasks.language.LanguageEvaluation;
import dev.elixr.tasks.language.LanguageTask;
import dev.elixr.tasks.train.TrainingHistory;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stage-2 section of the demo report: figures beside the text-only baseline, and examples with their images. */
class LanguageReportTest {
    static LanguageEvaluation.Result result(LanguageTask task, List<LanguageEvaluation.Answered> answered) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task.id());
        m.put("items", answered.size());
        m.put("image", LanguageEvaluation.score(task, answered, false));
        m.put("text_only_baseline", LanguageEvaluation.score(task, answered, true));
        return new LanguageEvaluation.Result(m, answered);
    }

    static LanguageEvaluation.Answered vqa(String id, String q, String truth, String answer, String baseline) {
        return new LanguageEvaluation.Answered(new Instruction(id, "test", LanguageTask.VQA, InstructionPrompts.question(q), truth, "closed", "presence"),
                answer, baseline);
    }

    static LanguageEvaluation.Answered check(String id, String report, String error, String answer) {
        return new LanguageEvaluation.Answered(new Instruction(id, "test", LanguageTask.REPORT_QA, InstructionPrompts.checkReport(report),
                InstructionPrompts.verdict(error), error.equals("none") ? "correct" : "erroneous", error), answer, "correct");
    }

    @Test void showsEachTaskBesideItsBaselineAndExamplesWithImageQuestionAnswerTruthAndVerdict() {
        Map<LanguageTask, LanguageEvaluation.Result> results = new LinkedHashMap<>();
        results.put(LanguageTask.VQA, result(LanguageTask.VQA, List.of(
                vqa("img-1", "Is there a pleural effusion?", "yes", "yes", "no"),
                vqa("img-2", "Is there a pneumothorax?", "no", "no", "no"),
                vqa("img-3", "Is there <edema>?", "yes", "yes", "no"),
                vqa("img-4", "Is there a fracture?", "no", "yes", "no"))));
        results.put(LanguageTask.REPORT_QA, result(LanguageTask.REPORT_QA, List.of(
                check("img-1", "FINDINGS: Small left pleural effusion.", "laterality", "incorrect: the side is wrong"),
                check("img-2", "FINDINGS: No pneumothorax.", "none", "correct"))));
        results.put(LanguageTask.IMPRESSION, result(LanguageTask.IMPRESSION, List.of(new LanguageEvaluation.Answered(
                new Instruction("img-3", "test", LanguageTask.IMPRESSION, InstructionPrompts.describe(), "Mild pulmonary edema.", "", ""),
                "Mild pulmonary edema.", "No acute cardiopulmonary process."))));
        TrainingHistory h = new TrainingHistory();
        for (int s = 1; s <= 5; s++) h.steps().add(new TrainingHistory.Step(s, 1.0 / s, 1e-3, Double.NaN));
        HtmlReport r = new HtmlReport("t");
        int[] thumbnails = {0};
        LanguageReport.append(r, "setup", h, results, id -> {
            thumbnails[0]++;
            return Png.grey(new float[] {0, 1, 2, 3}, 2, 2);
        });
        String html = r.html();
        assertTrue(html.contains("<tr><td>vqa (4 test items)</td><td>accuracy</td><td>0.750</td><td>0.500</td></tr>"), html);
        assertTrue(html.contains("<tr><td>report-qa (2 test items)</td><td>correct vs erroneous accuracy</td><td>1.000</td><td>0.500</td></tr>"), html);
        assertTrue(html.contains("<tr><td>impression (1 test items)</td><td>finding macro F1</td><td>1.000</td>"), html);
        assertTrue(html.contains("<div>question: Is there a pleural effusion?</div><div>answer: yes</div><div>truth: yes</div><div>text-only: no</div>"));
        assertTrue(html.contains("<div>question: Is there &lt;edema&gt;?</div>"), "example text is escaped");
        assertTrue(html.contains("<div>report: FINDINGS: Small left pleural effusion.</div><div>injected error: laterality</div>"
                + "<div>verdict: incorrect: the side is wrong (right)</div>"));
        assertTrue(html.contains("<div>generated: Mild pulmonary edema.</div><div>reference: Mild pulmonary edema.</div>"));
        assertTrue(html.contains("stage-2 answer loss"), "the loss curve");
        assertEquals(4 + 2 + 1, thumbnails[0], "one image per example");
        var m = Pattern.compile("data:image/png;base64,").matcher(html);
        int images = 0;
        while (m.find()) images++;
        assertEquals(7, images);
    }
}
