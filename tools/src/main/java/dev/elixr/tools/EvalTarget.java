package dev.elixr.tools;

import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.eval.ElixrCEvaluation;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;

/** What every {@code elixr eval} subcommand evaluates: a run on a data set, optionally on a reused split manifest. */
final class EvalTarget {
    @Spec(Spec.Target.MIXEE) CommandSpec spec;
    @Option(names = "--run", required = true, description = "trained ELIXR-C run directory, or an ELIXR-B run (its Q-Former on its image run's frozen tower: "
            + "images scored by their best query, probes on the average-pooled query outputs)") Path run;
    @Option(names = "--data", required = true, description = "data set root (its layout: --dataset)") Path data;
    @Option(names = "--dataset", defaultValue = CxrDataset.AUTO, paramLabel = DatasetOption.LABEL, description = DatasetOption.DESCRIPTION) String dataset;
    @Option(names = "--manifest", description = "reuse the images and seed of the manifest this task wrote for another run "
            + "(RUN/eval/<task>/manifest.json); for data-efficient its probe subsets also replace --fractions and --repeats") Path manifest;

    /** The evaluation, recording this command line. */
    ElixrCEvaluation open() throws IOException {
        return ElixrCEvaluation.open(run, data, CxrDataset.resolve(dataset, data), System.err).withManifest(manifest).withCommandLine(CommandLineText.of(spec));
    }
}
