package dev.elixr.tasks.language;

import dev.elixr.models.llm.Generator;
import dev.elixr.models.llm.Sampler;
import dev.elixr.tensor.Tensor;

import java.util.List;
import java.util.function.Consumer;

/**
 * The uses of a stage-2 run (Xu et al. 2023, §2.5): answer a question about an image, describe it (an impression), or
 * check a report against it. The image's soft prompt is the prefix of the LLM's input, the prompt follows
 * ({@link InstructionPrompts}, as in training); decoding is greedy and streams text pieces to {@code out}.
 */
public final class Assistant {
    /** What was generated, and for report checks the error type the verdict names (none, an error type, or unparsed). */
    public record Reply(String text, String verdict, Generator.Result generation) {}

    private final ElixrB2Run run;

    public Assistant(ElixrB2Run run) { this.run = run; }

    public Reply ask(Tensor tower, String question, int maxNewTokens, Consumer<String> out) {
        if (question == null || question.isBlank()) throw new IllegalArgumentException("--question is empty");
        return reply(generate(tower, InstructionPrompts.question(question), maxNewTokens, out), false);
    }

    public Reply describe(Tensor tower, int maxNewTokens, Consumer<String> out) {
        return reply(generate(tower, InstructionPrompts.describe(), maxNewTokens, out), false);
    }

    /**
     * Checks a report against the image: the verdict after the report, or, for a run taught so
     * ({@link ElixrB2Run.Spec#statementFirst}), first what the image shows and then the verdict after that statement and
     * the report ({@link ImageFindings}); the reply's text holds both.
     */
    public Reply checkReport(Tensor tower, String report, int maxNewTokens, Consumer<String> out) {
        if (report == null || report.isBlank()) throw new IllegalArgumentException("the report is empty");
        if (!run.spec().statementFirst()) return reply(generate(tower, InstructionPrompts.checkReport(report), maxNewTokens, out), true);
        return statementThenVerdict(tower, st -> InstructionPrompts.checkReport(report, st), maxNewTokens, out);
    }

    /**
     * The two steps of a report check: the statement of what the image shows (no report in the prompt), then the verdict
     * after {@code verdictPrompt} of that statement; each step gets {@code maxNewTokens}.
     */
    public Reply statementThenVerdict(Tensor tower, java.util.function.UnaryOperator<String> verdictPrompt, int maxNewTokens, Consumer<String> out) {
        String statement = ImageFindings.normalise(generate(tower, InstructionPrompts.look(), maxNewTokens, s -> {}).text());
        out.accept(statement + " ");
        Generator.Result g = generate(tower, verdictPrompt.apply(statement), maxNewTokens, out);
        String text = statement + " " + g.text().trim();
        return new Reply(text, InstructionPrompts.parseVerdict(text), g);
    }

    /** Greedy generation after the soft prompt of tower tokens [1,T,C] and the prompt text. */
    public Generator.Result generate(Tensor tower, String prompt, int maxNewTokens, Consumer<String> out) {
        var model = run.model();
        var enc = run.encoder();
        Tensor prefix = model.softPromptOf(tower);
        return new Generator(model.llm(), enc.tokenizer()).generate(prefix, enc.prompt(prompt), maxNewTokens,
                new Sampler(Sampler.Options.greedy()), new int[] {enc.eos()}, List.of(), out);
    }

    private static Reply reply(Generator.Result g, boolean verdict) {
        String text = g.text().trim();
        return new Reply(text, verdict ? InstructionPrompts.parseVerdict(text) : null, g);
    }
}
