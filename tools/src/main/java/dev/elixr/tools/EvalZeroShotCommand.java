package dev.elixr.tools;

import dev.elixr.tasks.eval.ElixrCEvaluation;
import dev.elixr.tasks.eval.Prompts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code elixr eval zero-shot}: zero-shot classification of the 13 CheXpert findings. */
@Command(name = "zero-shot", mixinStandardHelpOptions = true,
        description = "Zero-shot AUC per finding from positive/negative prompts; writes RUN/eval/zero-shot/{metrics.json,scores.csv,manifest.json,eval.json}.")
final class EvalZeroShotCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--run", required = true) Path run;
    @Option(names = "--data", required = true) Path data;
    @Option(names = "--manifest", description = "reuse the images and seed of a split manifest (RUN/eval/zero-shot/manifest.json of another run)") Path manifest;
    @Option(names = "--prompts", description = "prompts JSON (default: the shipped zero-shot-prompts.json)") Path prompts;
    @Option(names = "--bootstrap", defaultValue = "1000", description = "bootstrap resamples for the 95% CIs") int bootstrap;
    @Option(names = "--seed", defaultValue = "1") long seed;

    @Override
    public Integer call() throws Exception {
        var r = ElixrCEvaluation.open(run, data, System.err).withManifest(manifest).withCommandLine(CommandLineText.of(spec))
                .zeroShot(prompts == null ? Prompts.defaults() : Prompts.load(prompts), bootstrap, seed);
        for (var f : r.perFinding())
            System.out.printf("%-28s %s%n", f.finding(), f.defined()
                    ? String.format("AUC %.3f (95%% CI %.3f-%.3f, %d pos, %d neg)", f.auc(), f.ci95Low(), f.ci95High(), f.nPos(), f.nNeg()) : "n/a");
        System.out.printf("mean AUC %.3f%n", r.meanAuc());
        return 0;
    }
}
