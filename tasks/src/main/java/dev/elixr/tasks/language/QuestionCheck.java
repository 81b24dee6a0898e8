package dev.elixr.tasks.language;

import dev.elixr.tasks.language.AssertionQuestions.Question;
import dev.elixr.tensor.Tensor;

import java.util.List;

/**
 * A report checked against an image by asking the stage-2 model the report's {@link AssertionQuestions} after the
 * image's soft prompt: every closed answer of every question scored by its log-probability ({@link AnswerLikelihood},
 * the answer and end of sequence after "Question: … Answer:", as VQA is trained), no text generated. The verdict
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
        Tensor prefix = run.model().softPromptOf(tower);
        InstructionEncoder enc = run.encoder();
        double[][] lp = new double[qs.size()][];
        double[] ev = new double[qs.size()];
        for (int i = 0; i < qs.size(); i++) {
            Question q = qs.get(i);
            int[] prompt = enc.prompt(InstructionPrompts.question(q.text()));
            lp[i] = new double[q.answers().size()];
            for (int a = 0; a < lp[i].length; a++) lp[i][a] = AnswerLikelihood.logProb(run.model().llm(), prefix, prompt, enc.answer(q.answers().get(a)));
            ev[i] = QuestionVerdict.evidence(q, lp[i]);
        }
        return new Checked(qs, lp, ev, QuestionVerdict.byType(qs, ev));
    }
}
