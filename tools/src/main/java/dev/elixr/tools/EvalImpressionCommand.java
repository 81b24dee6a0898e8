package dev.elixr.tools;

import dev.elixr.tasks.language.LanguageTask;
import picocli.CommandLine.Command;

/** {@code elixr eval impression}: generated impressions of a stage-2 run against the reports', beside its text-only baseline. */
@Command(name = "impression", mixinStandardHelpOptions = true,
        description = "Impression generation of an ELIXR-B stage-2 run: our keyword labeller on the generated and the reference IMPRESSION "
                + "(per-finding F1 of asserted findings, macro F1), corpus BLEU-4 and mean ROUGE-L F1, beside the same model given the split's "
                + "average image (text-only baseline); writes RUN/eval/impression/{metrics.json,items.csv,manifest.json,eval.json}.")
final class EvalImpressionCommand extends EvalLanguageCommand {
    @Override LanguageTask task() { return LanguageTask.IMPRESSION; }

    @Override int defaultMaxNewTokens() { return 64; }
}
