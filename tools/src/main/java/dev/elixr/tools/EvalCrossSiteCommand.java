package dev.elixr.tools;

import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.eval.CrossSite;
import dev.elixr.tasks.eval.DataEfficient;
import dev.elixr.tasks.eval.LogisticProbe;
import dev.elixr.tasks.eval.MlpProbe;
import dev.elixr.tasks.eval.Probe;
import dev.elixr.tasks.eval.ProbeFeatures;
import dev.elixr.tasks.eval.Prompts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code elixr eval cross-site}: one run, zero-shot on its own site's test split and on another site's, with the drop. */
@Command(name = "cross-site", mixinStandardHelpOptions = true,
        description = "Zero-shot AUC per finding of one run on the test split of site A (--data, where it was trained) and of"
                + " site B (--other-data), side by side with the drop A - B, and the data-efficient probes fitted on site A's"
                + " training labels scored on both test splits (labels of both under --uncertain and --blank); writes RUN/eval/cross-site/metrics.json and each site's"
                + " zero-shot output in RUN/eval/cross-site/site-a|site-b/.")
final class EvalCrossSiteCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--run", required = true, description = "trained ELIXR-C (or ELIXR-B) run directory") Path run;
    @Option(names = "--data", required = true, description = "site A: the data set the run was trained on") Path data;
    @Option(names = "--dataset", defaultValue = CxrDataset.AUTO, paramLabel = DatasetOption.LABEL, description = DatasetOption.DESCRIPTION) String dataset;
    @Option(names = "--other-data", required = true, description = "site B: another hospital's data set (e.g. elixr data synth --site B)") Path otherData;
    @Option(names = "--other-dataset", defaultValue = CxrDataset.AUTO, paramLabel = DatasetOption.LABEL, description = "layout of --other-data, as --dataset") String otherDataset;
    @picocli.CommandLine.Mixin LabelPolicyOptions labels;
    @Option(names = "--prompts", description = "prompts JSON (default: the shipped zero-shot-prompts.json)") Path prompts;
    @Option(names = "--bootstrap", defaultValue = "1000", description = "bootstrap resamples for the 95%% CIs") int bootstrap;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--probes", split = ",", defaultValue = "logistic", paramLabel = "logistic|mlp|none",
            description = "probes fitted on site A's training split and scored at both sites (default ${DEFAULT-VALUE}; none: zero-shot only)")
    List<String> probes;
    @Option(names = "--fractions", split = ",", defaultValue = "0.01,0.1,1.0", description = "of site A's labelled training images, by patient") double[] fractions;
    @Option(names = "--repeats", defaultValue = "3", description = "seeded subsets per fraction below 1") int repeats;
    @Option(names = "--features", defaultValue = "pooled", description = "what the probes read: pooled (image-tower features) or embedding") String features;
    @Option(names = "--mlp-steps", defaultValue = "200") int mlpSteps;

    @Override
    public Integer call() throws Exception {
        var a = new CrossSite.Site("A", data, CxrDataset.resolve(dataset, data));
        var b = new CrossSite.Site("B", otherData, CxrDataset.resolve(otherDataset, otherData));
        var r = CrossSite.evaluate(run, a, b, prompts == null ? Prompts.defaults() : Prompts.load(prompts), labels.policy(),
                bootstrap, seed, probeOptions(), CommandLineText.of(spec), System.err);
        System.out.printf("%-28s %7s %7s %7s%n", "finding", "AUC A", "AUC B", "drop");
        for (var f : r.perFinding())
            System.out.printf("%-28s %7s %7s %7s%n", f.finding(), num(f.aucA()), num(f.aucB()), f.defined() ? num(f.drop()) : "n/a");
        System.out.printf("mean AUC: site A %s, site B %s; mean drop %s over %d findings defined at both%n",
                num(r.meanAucA()), num(r.meanAucB()), num(r.meanDrop()), r.findingsCompared());
        if (!r.probes().isEmpty()) {
            System.out.printf("%nprobes fitted on site A's training labels:%n%-9s %8s %-26s %13s %13s %7s%n", "probe", "fraction", "finding",
                    "AUC A (sd)", "AUC B (sd)", "drop");
            for (var p : r.probes())
                System.out.printf("%-9s %8s %-26s %6s (%.3f) %6s (%.3f) %7s%n", p.probe(), DataEfficient.fractionKey(p.fraction()), p.finding(),
                        num(p.aucA()), p.sdA(), num(p.aucB()), p.sdB(), num(p.drop()));
        }
        System.out.println("wrote " + r.dir().resolve("metrics.json"));
        return 0;
    }

    private CrossSite.ProbeOptions probeOptions() {
        if (probes.equals(List.of("none"))) return null;
        List<Probe> list = new ArrayList<>();
        for (String p : probes) {
            switch (p) {
                case "logistic" -> list.add(new LogisticProbe());
                case "mlp" -> list.add(new MlpProbe(new int[] {512, 256}, 0.2f, mlpSteps, 64, 1e-3, 1e-2));
                default -> throw new IllegalArgumentException("--probes " + p + ": expected logistic, mlp (comma-separated) or none");
            }
        }
        return new CrossSite.ProbeOptions(fractions, repeats, list, ProbeFeatures.parse(features));
    }

    private static String num(double v) { return Double.isNaN(v) ? "n/a" : String.format("%.3f", v); }
}
