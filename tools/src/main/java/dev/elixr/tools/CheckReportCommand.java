package dev.elixr.tools;

import dev.elixr.tasks.language.InstructionPrompts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code elixr check-report}: whether a report matches the image, and if not what is wrong (ELIXR's report QA). */
@Command(name = "check-report", mixinStandardHelpOptions = true,
        description = "Check a report against a chest X-ray with an ELIXR-B stage-2 run: prints the model's verdict as it is generated "
                + "(\"correct\", or \"incorrect:\" and the error: an omitted or invented finding, the wrong side, the wrong severity), "
                + "then the verdict's error type. A run taught to check reports in two steps (synthetic data with structured truth) first "
                + "prints what the image shows (\"image: …\"), generated before the report is read, then the verdict after it.")
final class CheckReportCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin LanguageRunOptions options;
    @Option(names = "--report", required = true, description = "a text file holding the report (FINDINGS / IMPRESSION)") Path report;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(report)) throw new NoSuchFileException(report.toString(), null, "no report file");
        String text = Files.readString(report, StandardCharsets.UTF_8);
        if (text.isBlank()) throw new IllegalArgumentException(report + ": the report is empty");
        var o = options.open();
        PrintWriter out = spec.commandLine().getOut();
        var r = o.assistant().checkReport(o.tower(), text, options.maxNewTokens, s -> { out.print(s); out.flush(); });
        out.println();
        String v = r.verdict();
        out.println(v.equals("none") ? "verdict: the report matches the image"
                : InstructionPrompts.ERRORS.containsKey(v) ? "verdict: the report does not match the image (error type: " + v + ")"
                : "verdict: not recognised (the model's answer names no known error type)");
        out.flush();
        return 0;
    }
}
