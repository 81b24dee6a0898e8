package dev.elixr.tools;

import dev.elixr.tasks.eval.ElixrCEvaluation;
import dev.elixr.tasks.eval.Prompts;
import dev.elixr.tasks.eval.QueryScoring;
import dev.elixr.tasks.eval.ZeroShotFlag;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code elixr eval zero-shot}: zero-shot classification of the 13 CheXpert findings. */
@Command(name = "zero-shot", mixinStandardHelpOptions = true,
        description = "Zero-shot AUC per finding from positive/negative prompt ensembles, with the spread over single prompt "
                + "pairs and sanity flags; writes RUN/eval/zero-shot/{metrics.json,scores.csv,manifest.json,eval.json}.")
final class EvalZeroShotCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin EvalTarget target;
    @Option(names = "--prompts", description = "prompts JSON (default: the shipped zero-shot-prompts.json)") Path prompts;
    @picocli.CommandLine.Mixin LabelPolicyOptions labels;
    @Option(names = "--split", defaultValue = "test", paramLabel = "test|validate",
            description = "split to evaluate; 'validate' writes RUN/eval/zero-shot-validate (for choosing prompts without the test split)")
    String split;
    @Option(names = "--bootstrap", defaultValue = "1000", description = "bootstrap resamples for the 95%% CIs") int bootstrap;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--query-scoring", defaultValue = "best", paramLabel = "best|mean",
            description = "ELIXR-B runs: an image's similarity to a prompt direction is the best query's, max_q cos (the paper's; the"
                    + " default), or the mean over its queries of cos (mean); recorded in eval.json. ELIXR-C runs have one embedding"
                    + " per image: mean is refused there") String queryScoring;

    @Override
    public Integer call() throws Exception {
        var policy = labels.policy();
        var scoring = QueryScoring.parse(queryScoring);
        var r = target.open()
                .zeroShot(prompts == null ? Prompts.defaults() : Prompts.load(prompts), policy, split, bootstrap, seed, scoring);
        System.out.printf("split %s, labels: %s%s%n", r.split(), r.labelPolicy(),
                scoring == QueryScoring.BEST ? "" : ", query scoring: " + scoring.meaning());
        for (var f : r.perFinding()) {
            String flags = f.flags().isEmpty() ? "" : "  FLAGS " + String.join(",", f.flags().stream().map(ZeroShotFlag::key).toList());
            System.out.printf("%-28s %s%s%n", f.finding(), f.defined()
                    ? String.format("AUC %.3f (95%% CI %.3f-%.3f, %d pos, %d neg; single pairs %.3f-%.3f over %d)", f.auc(),
                            f.ci95Low(), f.ci95High(), f.nPos(), f.nNeg(), f.pairAucMin(), f.pairAucMax(), f.promptPairs())
                    : String.format("n/a (%d pos, %d neg)", f.nPos(), f.nNeg()), flags);
        }
        System.out.printf("mean AUC %.3f%n", r.meanAuc());
        return 0;
    }
}
