package dev.elixr.tools;

import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.language.ElixrB2Run;
import dev.elixr.tasks.language.LanguageEvaluation;
import dev.elixr.tasks.language.LanguageTask;
import dev.elixr.tasks.language.QuestionsEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code elixr eval report-qa}: report quality assurance accuracy of a stage-2 run beside its text-only baseline. */
@Command(name = "report-qa", mixinStandardHelpOptions = true,
        description = "Report-QA accuracy of an ELIXR-B stage-2 run: correct vs erroneous, the error type, per injected error type, "
                + "beside the same model given the split's average image (text-only baseline); writes "
                + "RUN/eval/report-qa/{metrics.json,items.csv,manifest.json,eval.json} (--method questions or combined: RUN/eval/report-qa-METHOD/, "
                + "with questions.csv; combined also features.csv).")
final class EvalReportQaCommand extends EvalLanguageCommand {
    @Option(names = "--method", defaultValue = "verdict", paramLabel = "verdict|questions|combined",
            description = "verdict (default): the model's one-call verdict after \"Report: … Is this report correct?\", as trained; "
                    + "questions: a structured checker that parses the report's asserted findings with the keyword labeller and asks the "
                    + "model VQA questions about each (presence, side, severity) and about each finding the report never mentions, "
                    + "scoring the closed answers by log-probability, with thresholds fitted on the validation split; combined: the questions' "
                    + "evidence and the one-call verdict's log-probabilities (each answer scored, not generated) combined by a logistic "
                    + "regression fitted on the validation split") String method;
    @Option(names = "--fit-limit", defaultValue = "0",
            description = "--method questions or combined: validation items the thresholds or the regression are fitted on, a seeded sample (default: every item)") int fitLimit;

    @Override LanguageTask task() { return LanguageTask.REPORT_QA; }

    @Override
    public Integer call() throws Exception {
        if (method.equals("verdict")) return super.call();
        if (!method.equals("questions") && !method.equals("combined"))
            throw new IllegalArgumentException("--method " + method + ": expected verdict, questions or combined");
        ElixrB2Run r = ElixrB2Run.load(run, System.err);
        Map<String, Object> m = QuestionsEvaluation.run(r, new LanguageEvaluation.Options(data, CxrDataset.resolve(dataset, data), split, limit,
                maxNewTokens == null ? defaultMaxNewTokens() : maxNewTokens, seed), fitLimit, QuestionsEvaluation.Method.of(method), CommandLineText.of(spec), System.err);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter();
        spec.commandLine().getOut().println(json.writeValueAsString(m));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
