package dev.elixr.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code elixr ask}: a question about an image, answered by an ELIXR-B stage-2 run (streamed). */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = "Answer a question about a chest X-ray with an ELIXR-B stage-2 run: the image's soft prompt, then the question, "
                + "into the frozen LLM; greedy decoding, printed as it is generated.")
final class AskCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin LanguageRunOptions options;
    @Option(names = "--question", required = true, description = "e.g. \"Is there a left pleural effusion?\"") String question;

    @Override
    public Integer call() throws Exception {
        if (question.isBlank()) throw new IllegalArgumentException("--question is empty");
        var o = options.open();
        PrintWriter out = spec.commandLine().getOut();
        o.assistant().ask(o.tower(), question, options.maxNewTokens, s -> { out.print(s); out.flush(); });
        out.println();
        out.flush();
        return 0;
    }
}
