package dev.elixr.tools;

import dev.elixr.tasks.data.LabelPolicy;
import picocli.CommandLine.Option;

/** {@code --uncertain} and {@code --blank}: how the evaluations that read labels count CheXpert's -1 and blank labels. */
final class LabelPolicyOptions {
    @Option(names = "--uncertain", defaultValue = "ignore", paramLabel = "ignore|negative|positive",
            description = "CheXpert -1 (uncertain) labels: left out, counted negative or counted positive (default: ${DEFAULT-VALUE})")
    String uncertain;
    @Option(names = "--blank", defaultValue = "ignore", paramLabel = "ignore|negative|positive",
            description = "blank (not mentioned) labels: left out, counted negative or counted positive (default: ${DEFAULT-VALUE})")
    String blank;

    LabelPolicy policy() { return new LabelPolicy(LabelPolicy.Treatment.parse(uncertain), LabelPolicy.Treatment.parse(blank)); }
}
