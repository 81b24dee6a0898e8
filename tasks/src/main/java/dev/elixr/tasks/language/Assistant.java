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

    public Reply checkReport(Tensor tower, String report, int maxNewTokens, Consumer<String> out) {
        if (report == null || report.isBlank()) throw new IllegalArgumentException("the report is empty");
        return reply(generate(tower, InstructionPrompts.checkReport(report), maxNewTokens, out), true);
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
