package dev.elixr.tasks.language;

import dev.elixr.models.llm.KvCache;
import dev.elixr.tasks.language.AssertionQuestions.Question;
import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A report checked against an image by asking the stage-2 model the report's {@link AssertionQuestions} after the
 * image's soft prompt: every closed answer of every question scored by its log-probability ({@link AnswerLikelihood},
 * the answer and end of sequence after "Question: … Answer:", as VQA is trained), no text generated; the soft prompt
 * is run through the LLM once per report and every question continues from its KV cache. The verdict
 * comes from the evidence by error type and thresholds chosen on the validation split ({@link QuestionVerdict}).
 */
public final class QuestionCheck {
    /** The questions asked, the log-probability of each answer, each question's evidence and the evidence by error type. */
    public record Checked(List<Question> questions, double[][] logProbs, double[] evidence, double[] byType) {}

    private final ElixrB2Run run;

    public QuestionCheck(ElixrB2Run run) { this.run = run; }

    /** The report's questions answered after the soft prompt of tower tokens [1,T,C]. */
    public Checked check(Tensor tower, String report) {
        if (report == null || report.isBlank()) throw new IllegalArgumentException("the report is empty");
        List<Question> qs = AssertionQuestions.of(ReportAssertions.parse(report));
        InstructionEncoder enc = run.encoder();
        int[][] prompts = new int[qs.size()][];
        List<List<int[]>> answers = new ArrayList<>();
        int room = 1;
        for (int i = 0; i < qs.size(); i++) {
            prompts[i] = enc.prompt(InstructionPrompts.question(qs.get(i).text()));
            answers.add(qs.get(i).answers().stream().map(enc::answer).toList());
            room = Math.max(room, AnswerLikelihood.room(prompts[i], answers.get(i)));
        }
        // the soft prompt is run once; every question and answer continues from it
        KvCache cache = AnswerLikelihood.prefill(run.model().llm(), run.model().softPromptOf(tower), room);
        double[][] lp = new double[qs.size()][];
        double[] ev = new double[qs.size()];
        for (int i = 0; i < qs.size(); i++) {
            lp[i] = AnswerLikelihood.logProbs(run.model().llm(), cache, prompts[i], answers.get(i));
            ev[i] = QuestionVerdict.evidence(qs.get(i), lp[i]);
        }
        return new Checked(qs, lp, ev, QuestionVerdict.byType(qs, ev));
    }
}
