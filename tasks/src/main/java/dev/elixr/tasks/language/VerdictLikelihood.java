package dev.elixr.tasks.language;

import dev.elixr.models.llm.KvCache;
import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The paper's one report-QA prompt ("Report: … Is this report correct? Answer:") scored instead of generated: the
 * log-probability of each of its five answers ("correct", and "incorrect:" with each error type in words, as
 * {@link InstructionPrompts#verdict} writes them) and end of sequence after the image's soft prompt
 * ({@link AnswerLikelihood}, teacher forcing, no text generated; soft prompt and report run once, shared by the five). Its answers are in {@link #ANSWERS} order: none
 * (correct), then {@link QuestionVerdict#TYPES}.
 */
public final class VerdictLikelihood {
    /** The verdicts scored: "none" (the report is correct), then the error types in {@link QuestionVerdict#TYPES} order. */
    public static final List<String> ANSWERS;

    static {
        List<String> a = new ArrayList<>();
        a.add("none");
        a.addAll(QuestionVerdict.TYPES);
        ANSWERS = List.copyOf(a);
    }

    private VerdictLikelihood() {}

    /** log P(verdict | soft prompt of tower tokens [1,T,C], report-check prompt) for each of {@link #ANSWERS}. */
    public static double[] of(ElixrB2Run run, Tensor tower, String report) {
        if (report == null || report.isBlank()) throw new IllegalArgumentException("the report is empty");
        if (run.spec().statementFirst())
            throw new IllegalArgumentException("run " + run.dir() + " checks reports in two steps (a statement of the image first): "
                    + "its verdict is not scored by likelihood; use --method verdict or questions");
        InstructionEncoder enc = run.encoder();
        int[] prompt = enc.prompt(InstructionPrompts.checkReport(report));
        List<int[]> answers = ANSWERS.stream().map(a -> enc.answer(InstructionPrompts.verdict(a))).toList();
        // the soft prompt and the report run once; the five verdicts continue from the report's end
        KvCache cache = AnswerLikelihood.prefill(run.model().llm(), run.model().softPromptOf(tower), AnswerLikelihood.room(prompt, answers));
        return AnswerLikelihood.logProbs(run.model().llm(), cache, prompt, answers);
    }
}
