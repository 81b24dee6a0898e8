package dev.elixr.tools;

import dev.elixr.tasks.language.CombinedVerdict;
import dev.elixr.tasks.language.InstructionPrompts;
import dev.elixr.tasks.language.QuestionCheck;
import dev.elixr.tasks.language.QuestionVerdict;
import dev.elixr.tasks.language.QuestionsEvaluation;
import dev.elixr.tasks.language.VerdictLikelihood;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code elixr check-report}: whether a report matches the image, and if not what is wrong (ELIXR's report QA). */
@Command(name = "check-report", mixinStandardHelpOptions = true,
        description = "Check a report against a chest X-ray with an ELIXR-B stage-2 run: prints the model's verdict as it is generated "
                + "(\"correct\", or \"incorrect:\" and the error: an omitted or invented finding, the wrong side, the wrong severity), "
                + "then the verdict's error type. A run taught to check reports in two steps (synthetic data with structured truth) first "
                + "prints what the image shows (\"image: …\"), generated before the report is read, then the verdict after it. With --method "
                + "questions: a structured checker that asks the model visual questions about the report's asserted findings (presence, side, "
                + "severity) and the findings it never mentions, prints each question with the model's likeliest answer and the report's, "
                + "then the verdict under the thresholds elixr eval report-qa --method questions fitted on the validation split. With --method "
                + "combined: the same questions and the one-call verdict's log-probabilities, combined by the regression elixr eval "
                + "report-qa --method combined fitted on the validation split.")
final class CheckReportCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin LanguageRunOptions options;
    @Option(names = "--report", required = true, description = "a text file holding the report (FINDINGS / IMPRESSION)") Path report;
    @Option(names = "--method", defaultValue = "verdict", paramLabel = "verdict|questions|combined",
            description = "verdict (default): the model's one-call verdict, as trained; questions: visual questions over the report's "
                    + "assertions, scored by log-probability (needs elixr eval report-qa --method questions on this run first); combined: "
                    + "those questions and the one-call verdict scored by log-probability, through a regression (needs elixr eval report-qa "
                    + "--method combined on this run first)") String method;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(report)) throw new NoSuchFileException(report.toString(), null, "no report file");
        String text = Files.readString(report, StandardCharsets.UTF_8);
        if (text.isBlank()) throw new IllegalArgumentException(report + ": the report is empty");
        if (!method.equals("verdict") && !method.equals("questions") && !method.equals("combined"))
            throw new IllegalArgumentException("--method " + method + ": expected verdict, questions or combined");
        double[] thresholds = method.equals("questions") ? QuestionsEvaluation.fittedThresholds(options.run) : null;
        CombinedVerdict.Model model = method.equals("combined") ? QuestionsEvaluation.fittedModel(options.run) : null;
        var o = options.open();
        PrintWriter out = spec.commandLine().getOut();
        if (thresholds != null || model != null) return questions(o, text, thresholds, model, out);
        var r = o.assistant().checkReport(o.tower(), text, options.maxNewTokens, s -> { out.print(s); out.flush(); });
        out.println();
        String v = r.verdict();
        out.println(v.equals("none") ? "verdict: the report matches the image"
                : InstructionPrompts.ERRORS.containsKey(v) ? "verdict: the report does not match the image (error type: " + v + ")"
                : "verdict: not recognised (the model's answer names no known error type)");
        out.flush();
        return 0;
    }

    private static Integer questions(LanguageRunOptions.Opened o, String text, double[] thresholds, CombinedVerdict.Model model, PrintWriter out) {
        QuestionCheck.Checked c = new QuestionCheck(o.run()).check(o.tower(), text);
        for (int i = 0; i < c.questions().size(); i++) {
            var q = c.questions().get(i);
            int best = 0;
            for (int a = 1; a < c.logProbs()[i].length; a++) if (c.logProbs()[i][a] > c.logProbs()[i][best]) best = a;
            out.printf(Locale.ROOT, "%s %s (the report: %s; evidence of %s %.2f)%n", q.text(), q.answers().get(best), q.implied(), q.error(), c.evidence()[i]);
        }
        String v;
        if (model == null) v = QuestionVerdict.verdict(c.byType(), thresholds);
        else {
            double[] lp = VerdictLikelihood.of(o.run(), o.tower(), text);
            double[] p = model.probabilities(CombinedVerdict.features(c.byType(), lp));
            for (int a = 0; a < lp.length; a++)
                out.printf(Locale.ROOT, "one-call verdict \"%s\": log-probability %.2f, combined P %.3f%n", InstructionPrompts.verdict(VerdictLikelihood.ANSWERS.get(a)), lp[a], p[a]);
            v = model.verdict(CombinedVerdict.features(c.byType(), lp));
        }
        out.println(v.equals("none") ? "verdict: the report matches the image" : "verdict: the report does not match the image (error type: " + v + ")");
        out.flush();
        return 0;
    }
}
