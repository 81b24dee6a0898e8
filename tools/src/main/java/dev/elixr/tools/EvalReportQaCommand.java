package dev.elixr.tools;

import dev.elixr.tasks.language.LanguageTask;
import picocli.CommandLine.Command;

/** {@code elixr eval report-qa}: report quality assurance accuracy of a stage-2 run beside its text-only baseline. */
@Command(name = "report-qa", mixinStandardHelpOptions = true,
        description = "Report-QA accuracy of an ELIXR-B stage-2 run: correct vs erroneous, the error type, per injected error type, "
                + "beside the same model given a blank image (text-only baseline); writes "
                + "RUN/eval/report-qa/{metrics.json,items.csv,manifest.json,eval.json}.")
final class EvalReportQaCommand extends EvalLanguageCommand {
    @Override LanguageTask task() { return LanguageTask.REPORT_QA; }
}
