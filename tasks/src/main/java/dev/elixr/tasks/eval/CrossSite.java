package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.LabelPolicy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cross-site generalisation (ELIXR's RQ5: does the approach hold across data sets and hospital sources): one run,
 * trained on site A, evaluated zero-shot on the test split of site A and of site B with the same prompts, label policy,
 * bootstrap and seed; the drop per finding is AUC(A) − AUC(B), and the mean drop is taken over the findings defined at
 * both sites. With {@link ProbeOptions}, also the data-efficient probes (ELIXR section 2.3) fitted on site A's
 * training labels (the same by-patient subsets, fractions and seeds as {@code eval data-efficient}) and scored on
 * site A's and site B's test splits: the same fitted probe on both, so its drop is the sites' alone. Writes
 * {@code RUN/eval/cross-site/metrics.json} and each site's full zero-shot output (metrics.json, scores.csv,
 * manifest.json, eval.json) in {@code RUN/eval/cross-site/site-a/} and {@code site-b/}.
 */
public final class CrossSite {
    private CrossSite() {}

    /** A data set standing for a hospital: a name for the tables, its folder and its layout. */
    public record Site(String name, Path data, CxrDataset dataset) {}

    /** One finding at both sites (an AUC is NaN where the finding is n/a at that site). */
    public record FindingDrop(String finding, double aucA, double aucB, int nPosA, int nPosB) {
        public double drop() { return aucA - aucB; }

        public boolean defined() { return !Double.isNaN(aucA) && !Double.isNaN(aucB); }
    }

    /** Which probes to fit on site A's training split, on which fractions (repeats below 1), on which features. */
    public record ProbeOptions(double[] fractions, int repeats, List<Probe> probes, ProbeFeatures features) {
        public ProbeOptions {
            EvalOptions.fractions(fractions, repeats);
            if (probes.isEmpty()) throw new IllegalArgumentException("cross-site probes: name at least one probe");
        }
    }

    /**
     * One probe at one fraction, fitted on site A, on both test splits: mean AUC over repeats (and its sd) per finding,
     * or over the findings for {@code finding} "mean".
     */
    public record ProbeDrop(String probe, double fraction, String finding, double aucA, double sdA, double aucB, double sdB) {
        public double drop() { return aucA - aucB; }
    }

    /**
     * Both sites' means (each over its own defined findings), the mean drop over findings defined at both, per finding;
     * the probes' rows (empty without {@link ProbeOptions}).
     */
    public record Result(Site a, Site b, double meanAucA, double meanAucB, double meanDrop, int findingsCompared,
                         List<FindingDrop> perFinding, List<ProbeDrop> probes, Path dir) {}

    public static Result zeroShot(Path runDir, Site a, Site b, Prompts prompts, LabelPolicy policy, int bootstrap, long seed,
                                  String commandLine, PrintStream log) throws IOException {
        return evaluate(runDir, a, b, prompts, policy, bootstrap, seed, null, commandLine, log);
    }

    /** Zero-shot at both sites and, when {@code probes} is not null, the probes fitted at site A scored at both. */
    public static Result evaluate(Path runDir, Site a, Site b, Prompts prompts, LabelPolicy policy, int bootstrap, long seed,
                                  ProbeOptions probes, String commandLine, PrintStream log) throws IOException {
        Path dir = runDir.resolve("eval").resolve("cross-site");
        ZeroShot.Result ra = evaluate(runDir, a, prompts, policy, bootstrap, seed, commandLine, dir.resolve("site-a"), log);
        ZeroShot.Result rb = evaluate(runDir, b, prompts, policy, bootstrap, seed, commandLine, dir.resolve("site-b"), log);
        List<FindingDrop> per = new ArrayList<>();
        double sum = 0;
        int n = 0;
        for (int i = 0; i < ra.perFinding().size(); i++) {
            ZeroShot.FindingResult fa = ra.perFinding().get(i), fb = rb.perFinding().get(i);
            FindingDrop d = new FindingDrop(fa.finding(), fa.auc(), fb.auc(), fa.nPos(), fb.nPos());
            per.add(d);
            if (d.defined()) { sum += d.drop(); n++; }
        }
        List<ProbeDrop> probeRows = probes == null ? List.of() : probes(runDir, a, b, probes, policy, seed, commandLine, log);
        Result r = new Result(a, b, ra.meanAuc(), rb.meanAuc(), n == 0 ? Double.NaN : sum / n, n, per, probeRows, dir);
        write(r, policy, bootstrap, seed, probes, commandLine);
        return r;
    }

    /**
     * The probes fitted on site A's training split (seeded by-patient subsets) and scored on both test splits, labels
     * under {@code policy} (the zero-shot's).
     */
    static List<ProbeDrop> probes(Path runDir, Site a, Site b, ProbeOptions o, LabelPolicy policy, long seed, String commandLine, PrintStream log)
            throws IOException {
        ElixrCEvaluation ea = ElixrCEvaluation.open(runDir, a.data(), a.dataset(), log).withCommandLine(commandLine).withProbeFeatures(o.features());
        ElixrCEvaluation eb = ElixrCEvaluation.open(runDir, b.data(), b.dataset(), log).withCommandLine(commandLine).withProbeFeatures(o.features());
        EmbeddedSplit train = ea.probeSplit("train").withLabelPolicy(policy), testA = ea.probeSplit("test").withLabelPolicy(policy),
                testB = eb.probeSplit("test").withLabelPolicy(policy);
        var cfg = new DataEfficient.Config(Findings.DATA_EFFICIENT_5, o.fractions(), o.repeats(), seed);
        List<DataEfficient.Subset> subsets = DataEfficient.sample(train, cfg);
        DataEfficient.Result ra = DataEfficient.evaluate(train, testA, List.of(frozen(train, testA)), o.probes(), cfg, subsets, null);
        DataEfficient.Result rb = DataEfficient.evaluate(train, testB, List.of(frozen(train, testB)), o.probes(), cfg, subsets, null);
        List<ProbeDrop> out = new ArrayList<>();
        for (Probe p : o.probes()) {
            for (double f : o.fractions()) {
                DataEfficient.Summary sa = ra.summary(FROZEN, p.name(), f), sb = rb.summary(FROZEN, p.name(), f);
                out.add(new ProbeDrop(p.name(), f, "mean", sa.meanAuc(), sa.sdAuc(), sb.meanAuc(), sb.sdAuc()));
                for (String finding : cfg.findings()) {
                    double[] x = sa.perFinding().get(finding), y = sb.perFinding().get(finding);
                    out.add(new ProbeDrop(p.name(), f, finding, x[0], x[1], y[0], y[1]));
                }
            }
        }
        return out;
    }

    private static final String FROZEN = "frozen embeddings";

    /** The run's frozen probe features: the subset's training rows, and the given test split's rows. */
    private static DataEfficient.FeatureSource frozen(EmbeddedSplit train, EmbeddedSplit test) {
        return new DataEfficient.FeatureSource() {
            @Override public String name() { return FROZEN; }
            @Override public DataEfficient.Features features(int[] subset, long s) {
                float[][] x = new float[subset.length][];
                for (int i = 0; i < subset.length; i++) x[i] = train.embeddings()[subset[i]];
                return new DataEfficient.Features(x, test.embeddings());
            }
        };
    }

    private static ZeroShot.Result evaluate(Path runDir, Site s, Prompts prompts, LabelPolicy policy, int bootstrap, long seed,
                                            String commandLine, Path out, PrintStream log) throws IOException {
        ElixrCEvaluation e = ElixrCEvaluation.open(runDir, s.data(), s.dataset(), log).withCommandLine(commandLine)
                .option("site", s.name());
        return e.zeroShot(prompts, policy, "test", bootstrap, seed, out);
    }

    private static void write(Result r, LabelPolicy policy, int bootstrap, long seed, ProbeOptions probes, String commandLine) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("task", probes == null ? "cross-site zero-shot" : "cross-site zero-shot and probes");
        root.put("command_line", commandLine);
        for (Site s : List.of(r.a(), r.b())) {
            ObjectNode o = root.putObject(s == r.a() ? "site_a" : "site_b");
            o.put("name", s.name());
            o.put("data", s.data().toAbsolutePath().toString());
            o.put("dataset", s.dataset().key());
        }
        root.put("label_policy", policy.toString());
        root.put("bootstrap", bootstrap);
        root.put("seed", seed);
        putNumber(root, "mean_auc_a", r.meanAucA());
        putNumber(root, "mean_auc_b", r.meanAucB());
        putNumber(root, "mean_drop", r.meanDrop());
        root.put("findings_compared", r.findingsCompared());
        ArrayNode per = root.putArray("per_finding");
        for (FindingDrop d : r.perFinding()) {
            ObjectNode o = per.addObject();
            o.put("finding", d.finding());
            putNumber(o, "auc_a", d.aucA());
            putNumber(o, "auc_b", d.aucB());
            putNumber(o, "drop", d.drop());
            o.put("n_pos_a", d.nPosA());
            o.put("n_pos_b", d.nPosB());
        }
        if (probes != null) {
            ObjectNode po = root.putObject("probes");
            po.put("trained_on", "site A's training split (" + DataEfficient.SAMPLING + ")");
            po.put("features", probes.features().key());
            ArrayNode fr = po.putArray("fractions");
            for (double f : probes.fractions()) fr.add(f);
            po.put("repeats", probes.repeats());
            ArrayNode rows = po.putArray("rows");
            for (ProbeDrop d : r.probes()) {
                ObjectNode o = rows.addObject();
                o.put("probe", d.probe());
                o.put("fraction", d.fraction());
                o.put("finding", d.finding());
                putNumber(o, "auc_a", d.aucA());
                putNumber(o, "sd_a", d.sdA());
                putNumber(o, "auc_b", d.aucB());
                putNumber(o, "sd_b", d.sdB());
                putNumber(o, "drop", d.drop());
            }
        }
        Files.createDirectories(r.dir());
        json.writerWithDefaultPrettyPrinter().writeValue(r.dir().resolve("metrics.json").toFile(), root);
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) o.putNull(key); else o.put(key, v);
    }
}
