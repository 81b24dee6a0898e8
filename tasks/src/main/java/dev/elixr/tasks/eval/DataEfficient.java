package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.tasks.data.Csv;
import dev.elixr.tasks.data.Seeds;
import dev.elixr.tasks.metrics.RocAuc;
import dev.elixr.tensor.Parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Data-efficient classification (ELIXR section 2.3): probes trained on a fraction of the labelled training
 * images (subsets sampled by patient, seeded, several repeats) on the features of each source (frozen ELIXR-C
 * embeddings; a supervised-only baseline trained on the same subset), AUC on the test split per finding;
 * mean and standard deviation over repeats.
 */
public final class DataEfficient {
    private DataEfficient() {}

    /** Features of the chosen training subset and of the test split. */
    public record Features(float[][] train, float[][] test) {}

    /** Where features come from: frozen embeddings ignore the subset; a supervised baseline trains on it. */
    public interface FeatureSource {
        String name();

        Features features(int[] trainSubset, long seed);
    }

    public record Config(List<String> findings, double[] fractions, int repeats, long seed) {}

    /** AUC of one (source, probe, fraction, repeat, finding); NaN when the test split lacks a class. */
    public record Run(String source, String probe, double fraction, int repeat, int trainImages, String finding, double auc) {}

    public record Summary(String source, String probe, double fraction, double meanAuc, double sdAuc,
                          Map<String, double[]> perFinding /* finding -> {mean, sd} */) {}

    public record Score(String source, String probe, double fraction, int repeat, String dicomId, String finding,
                        double label, double score) {}

    public record Result(Config config, List<Run> runs, List<Summary> summaries, List<Score> scores) {
        public Summary summary(String source, String probe, double fraction) {
            for (Summary s : summaries)
                if (s.source().equals(source) && s.probe().equals(probe) && s.fraction() == fraction) return s;
            throw new IllegalArgumentException("no data-efficient result for " + source + "/" + probe + "/" + fraction);
        }
    }

    /** One probe training subset: rows of the training split drawn for (fraction, repeat), and the seed its fits use. */
    public record Subset(double fraction, int repeat, long seed, int[] rows) {}

    /** How {@link #sample} draws subsets (recorded in the split manifest). */
    public static final String SAMPLING = "by patient: among training images with a 0/1 label for at least one finding, "
            + "patients in a seeded random order (Fisher-Yates, SplittableRandom(seed)) are added whole until the subset "
            + "reaches round(fraction * labelled images), at least 2; fraction 1 takes every labelled image";

    public static Result evaluate(EmbeddedSplit train, EmbeddedSplit test, List<FeatureSource> sources,
                                  List<Probe> probes, Config cfg, ProgressListener progress) {
        return evaluate(train, test, sources, probes, cfg, sample(train, cfg), progress);
    }

    /** The seeded probe subsets of a configuration, in evaluation order (by fraction, then repeat). */
    public static List<Subset> sample(EmbeddedSplit train, Config cfg) {
        int[] labelled = labelledImages(train, cfg.findings());
        List<Subset> out = new ArrayList<>();
        for (double fraction : cfg.fractions()) {
            for (int rep = 0; rep < repeatsFor(fraction, cfg); rep++) {
                long seed = Seeds.probeSubset(cfg.seed(), fraction, rep);
                out.add(new Subset(fraction, rep, seed, samplePatients(train, labelled, fraction, seed)));
            }
        }
        return out;
    }

    /**
     * Evaluates on the given subsets (drawn by {@link #sample}, or read back from a split manifest). The (subset, source)
     * fits are independent and seeded, so they run one per core at a time, the largest subsets first (a fit's products
     * are too small to split well across cores: a probe's, or a supervised baseline's batch of a few images); the runs
     * and scores are then listed in the order of the subsets and sources, as one core would have made them.
     */
    public static Result evaluate(EmbeddedSplit train, EmbeddedSplit test, List<FeatureSource> sources,
                                  List<Probe> probes, Config cfg, List<Subset> subsets, ProgressListener progress) {
        double[][] testY = labels(test, cfg.findings(), null);
        int total = subsets.size() * sources.size();
        Fit[] fits = new Fit[total];
        AtomicInteger done = new AtomicInteger();
        Parallel.forChunks(total, 1, (s, e) -> {
            for (int k = s; k < e; k++) {
                int job = total - 1 - k; // the last subsets are the largest fractions
                Subset sub = subsets.get(job / sources.size());
                FeatureSource src = sources.get(job % sources.size());
                fits[job] = fit(train, test, testY, src, probes, cfg, sub);
                if (progress != null) progress.done(done.incrementAndGet(), total, src.name() + " @" + sub.fraction() + " #" + sub.repeat());
            }
        });
        List<Run> runs = new ArrayList<>();
        List<Score> scores = new ArrayList<>();
        for (Fit f : fits) {
            runs.addAll(f.runs());
            scores.addAll(f.scores());
        }
        return new Result(cfg, runs, summarize(runs, cfg), scores);
    }

    /** One (subset, source)'s AUC runs and test scores, for every probe. */
    private record Fit(List<Run> runs, List<Score> scores) {}

    private static Fit fit(EmbeddedSplit train, EmbeddedSplit test, double[][] testY, FeatureSource src, List<Probe> probes,
                           Config cfg, Subset sub) {
        List<Run> runs = new ArrayList<>();
        List<Score> scores = new ArrayList<>();
        double fraction = sub.fraction();
        int rep = sub.repeat();
        long seed = sub.seed();
        int[] subset = sub.rows();
        double[][] y = labels(train, cfg.findings(), subset);
        Features feats = src.features(subset, seed);
        for (Probe probe : probes) {
            double[][] p = probe.fitPredict(feats.train(), y, feats.test(), seed);
            for (int j = 0; j < cfg.findings().size(); j++) {
                List<Double> ly = new ArrayList<>(), ls = new ArrayList<>();
                for (int i = 0; i < test.size(); i++) {
                    if (Double.isNaN(testY[i][j])) continue;
                    ly.add(testY[i][j]);
                    ls.add(p[i][j]);
                    scores.add(new Score(src.name(), probe.name(), fraction, rep, test.ids().get(i),
                            cfg.findings().get(j), testY[i][j], p[i][j]));
                }
                double auc = RocAuc.auc(ZeroShot.unbox(ly), ZeroShot.unbox(ls));
                runs.add(new Run(src.name(), probe.name(), fraction, rep, subset.length, cfg.findings().get(j), auc));
            }
        }
        return new Fit(runs, scores);
    }

    /** Called after each (fraction, repeat, source) fit, on the thread that ran it (fits run side by side, in any order). */
    @FunctionalInterface
    public interface ProgressListener {
        void done(int done, int total, String what);
    }

    static int repeatsFor(double fraction, Config cfg) {
        return fraction >= 1.0 ? 1 : cfg.repeats();
    }

    /** Images with a 0/1 label for at least one of the findings. */
    static int[] labelledImages(EmbeddedSplit s, List<String> findings) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            for (String f : findings) if (!Double.isNaN(s.binaryLabel(i, f))) { out.add(i); break; }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A seeded subset of about {@code fraction} of the labelled images, drawn by patient: patients in a seeded
     * random order are added until the subset reaches round(fraction * labelled), at least 2 images.
     */
    static int[] samplePatients(EmbeddedSplit s, int[] labelled, double fraction, long seed) {
        if (fraction >= 1.0) return labelled.clone();
        Map<String, List<Integer>> byPatient = new LinkedHashMap<>();
        for (int i : labelled) byPatient.computeIfAbsent(s.patients().get(i), k -> new ArrayList<>()).add(i);
        List<String> patients = new ArrayList<>(byPatient.keySet());
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = patients.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            String t = patients.get(i); patients.set(i, patients.get(j)); patients.set(j, t);
        }
        int target = Math.max(2, (int) Math.round(fraction * labelled.length));
        List<Integer> out = new ArrayList<>();
        for (String p : patients) {
            if (out.size() >= target) break;
            out.addAll(byPatient.get(p));
        }
        return out.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Labels [rows][findings] as 1/0/NaN for the given rows (all rows when {@code rows} is null). */
    static double[][] labels(EmbeddedSplit s, List<String> findings, int[] rows) {
        int n = rows == null ? s.size() : rows.length;
        double[][] y = new double[n][findings.size()];
        for (int r = 0; r < n; r++) {
            int i = rows == null ? r : rows[r];
            for (int j = 0; j < findings.size(); j++) y[r][j] = s.binaryLabel(i, findings.get(j));
        }
        return y;
    }

    static List<Summary> summarize(List<Run> runs, Config cfg) {
        Map<String, List<Run>> groups = new LinkedHashMap<>();
        for (Run r : runs) groups.computeIfAbsent(r.source() + "\u0000" + r.probe() + "\u0000" + r.fraction(), k -> new ArrayList<>()).add(r);
        List<Summary> out = new ArrayList<>();
        for (List<Run> g : groups.values()) {
            Map<String, double[]> per = new LinkedHashMap<>();
            for (String f : cfg.findings()) per.put(f, meanSd(g.stream().filter(r -> r.finding().equals(f)).mapToDouble(Run::auc).toArray()));
            // per repeat: mean over findings; then mean and sd over repeats
            Map<Integer, List<Double>> byRep = new LinkedHashMap<>();
            for (Run r : g) if (!Double.isNaN(r.auc())) byRep.computeIfAbsent(r.repeat(), k -> new ArrayList<>()).add(r.auc());
            double[] repMeans = byRep.values().stream().mapToDouble(l -> l.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)).toArray();
            double[] ms = meanSd(repMeans);
            Run first = g.get(0);
            out.add(new Summary(first.source(), first.probe(), first.fraction(), ms[0], ms[1], per));
        }
        return out;
    }

    /** Mean and sample standard deviation of the non-NaN values (sd 0 for one value). */
    static double[] meanSd(double[] v) {
        double s = 0;
        int n = 0;
        for (double x : v) if (!Double.isNaN(x)) { s += x; n++; }
        if (n == 0) return new double[] {Double.NaN, Double.NaN};
        double m = s / n, ss = 0;
        for (double x : v) if (!Double.isNaN(x)) ss += (x - m) * (x - m);
        return new double[] {m, n > 1 ? Math.sqrt(ss / (n - 1)) : 0};
    }

    /** Writes {@code metrics.json} and {@code scores.csv} (with source, probe, fraction and repeat columns). */
    public static void write(Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        var fr = root.putArray("fractions");
        for (double f : r.config().fractions()) fr.add(f);
        var fi = root.putArray("findings");
        r.config().findings().forEach(fi::add);
        root.put("repeats", r.config().repeats());
        root.put("seed", r.config().seed());
        ObjectNode res = root.putObject("results");
        for (Summary s : r.summaries()) {
            ObjectNode o = res.withObjectProperty(s.source()).withObjectProperty(s.probe()).putObject(fractionKey(s.fraction()));
            ZeroShot.putNumber(o, "mean_auc", s.meanAuc());
            ZeroShot.putNumber(o, "sd_auc", s.sdAuc());
            ObjectNode per = o.putObject("per_finding");
            for (var e : s.perFinding().entrySet()) {
                ObjectNode p = per.putObject(e.getKey());
                ZeroShot.putNumber(p, "auc", e.getValue()[0]);
                ZeroShot.putNumber(p, "sd", e.getValue()[1]);
            }
        }
        Files.writeString(dir.resolve("metrics.json"), m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        StringBuilder csv = new StringBuilder("encoder,probe,fraction,repeat,dicom_id,finding,label,score\n");
        for (Score s : r.scores())
            csv.append(s.source()).append(',').append(s.probe()).append(',').append(fractionKey(s.fraction())).append(',')
                    .append(s.repeat()).append(',').append(s.dicomId()).append(',').append(Csv.quote(s.finding())).append(',')
                    .append((int) s.label()).append(',').append(s.score()).append('\n');
        Files.writeString(dir.resolve("scores.csv"), csv);
    }

    public static String fractionKey(double f) {
        return String.format(Locale.ROOT, "%s", f);
    }
}
