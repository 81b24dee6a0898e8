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
 * both sites. Writes {@code RUN/eval/cross-site/metrics.json} and each site's full zero-shot output (metrics.json,
 * scores.csv, manifest.json, eval.json) in {@code RUN/eval/cross-site/site-a/} and {@code site-b/}.
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

    /** Both sites' means (each over its own defined findings), the mean drop over findings defined at both, per finding. */
    public record Result(Site a, Site b, double meanAucA, double meanAucB, double meanDrop, int findingsCompared,
                         List<FindingDrop> perFinding, Path dir) {}

    public static Result zeroShot(Path runDir, Site a, Site b, Prompts prompts, LabelPolicy policy, int bootstrap, long seed,
                                  String commandLine, PrintStream log) throws IOException {
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
        Result r = new Result(a, b, ra.meanAuc(), rb.meanAuc(), n == 0 ? Double.NaN : sum / n, n, per, dir);
        write(r, policy, bootstrap, seed, commandLine);
        return r;
    }

    private static ZeroShot.Result evaluate(Path runDir, Site s, Prompts prompts, LabelPolicy policy, int bootstrap, long seed,
                                            String commandLine, Path out, PrintStream log) throws IOException {
        ElixrCEvaluation e = ElixrCEvaluation.open(runDir, s.data(), s.dataset(), log).withCommandLine(commandLine)
                .option("site", s.name());
        return e.zeroShot(prompts, policy, "test", bootstrap, seed, out);
    }

    private static void write(Result r, LabelPolicy policy, int bootstrap, long seed, String commandLine) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("task", "cross-site zero-shot");
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
        Files.createDirectories(r.dir());
        json.writerWithDefaultPrettyPrinter().writeValue(r.dir().resolve("metrics.json").toFile(), root);
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) o.putNull(key); else o.put(key, v);
    }
}
