package dev.elixr.tools;

import dev.elixr.tasks.eval.DataEfficient;
import dev.elixr.tasks.eval.ElixrCEvaluation;
import dev.elixr.tasks.eval.LogisticProbe;
import dev.elixr.tasks.eval.MlpProbe;
import dev.elixr.tasks.eval.ProbeFeatures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code elixr eval data-efficient}: probes on frozen embeddings vs a supervised-only baseline. */
@Command(name = "data-efficient", mixinStandardHelpOptions = true,
        description = "Logistic and MLP probes on fractions of the labelled training images, against a supervised baseline; "
                + "writes RUN/eval/data-efficient/{metrics.json,scores.csv,manifest.json,eval.json}.")
final class EvalDataEfficientCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin EvalTarget target;
    @picocli.CommandLine.Mixin LabelPolicyOptions labels;
    @Option(names = "--fractions", split = ",", defaultValue = "0.01,0.1,1.0") double[] fractions;
    @Option(names = "--repeats", defaultValue = "3", description = "seeded subsets per fraction below 1") int repeats;
    @Option(names = "--baseline-epochs", defaultValue = "10", description = "passes of the supervised baseline over each subset (0: no baseline)") int baselineEpochs;
    @Option(names = "--baseline-max-steps", defaultValue = "150", description = "at most this many baseline steps per subset") int baselineMaxSteps;
    @Option(names = "--mlp-steps", defaultValue = "200") int mlpSteps;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--features", defaultValue = "pooled", description = "what the probes read: pooled (image-tower features) or embedding (the shared-space embedding)") String features;

    @Override
    public Integer call() throws Exception {
        var r = target.open().withProbeLabelPolicy(labels.policy())
                .withProbeFeatures(ProbeFeatures.parse(features)).dataEfficient(fractions, repeats, seed,
                baselineEpochs == 0 ? null : new ElixrCEvaluation.Baseline(baselineEpochs, Math.min(30, baselineMaxSteps), baselineMaxSteps, 32, 2e-3),
                List.of(new LogisticProbe(), new MlpProbe(new int[] {512, 256}, 0.2f, mlpSteps, 64, 1e-3, 1e-2)));
        for (DataEfficient.Summary s : r.summaries())
            System.out.printf("%-20s %-9s %6s  mean AUC %.3f +- %.3f%n", s.source(), s.probe(), DataEfficient.fractionKey(s.fraction()), s.meanAuc(), s.sdAuc());
        return 0;
    }
}
