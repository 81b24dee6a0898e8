package dev.elixr.tools;

import dev.elixr.tasks.language.LanguageTask;
import picocli.CommandLine.Command;

/** {@code elixr eval vqa}: visual question answering accuracy of a stage-2 run beside its text-only baseline. */
@Command(name = "vqa", mixinStandardHelpOptions = true,
        description = "VQA accuracy of an ELIXR-B stage-2 run: overall, closed and open questions, per question category (exact match "
                + "after normalisation; token F1 for open questions), beside the same model given a blank image (text-only baseline); "
                + "writes RUN/eval/vqa/{metrics.json,items.csv,manifest.json,eval.json}.")
final class EvalVqaCommand extends EvalLanguageCommand {
    @Override LanguageTask task() { return LanguageTask.VQA; }
}
