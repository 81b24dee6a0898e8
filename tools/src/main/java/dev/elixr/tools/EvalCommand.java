package dev.elixr.tools;

import picocli.CommandLine.Command;

/** {@code elixr eval <task>}: the paper's evaluations of a trained run. */
@Command(name = "eval", description = "Evaluate a trained run (zero-shot, data-efficient, search, cross-site; vqa, report-qa and impression for ELIXR-B stage 2).",
        subcommands = {EvalZeroShotCommand.class, EvalDataEfficientCommand.class, EvalSearchCommand.class, EvalCrossSiteCommand.class,
                EvalVqaCommand.class, EvalReportQaCommand.class, EvalImpressionCommand.class})
final class EvalCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }
}
