package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.tasks.data.Csv;
import dev.elixr.tasks.data.LabelPolicy;
import dev.elixr.tasks.metrics.Bootstrap;
import dev.elixr.tasks.metrics.RocAuc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Zero-shot classification (ELIXR section 2.3; CheXzero): per finding, score = cos(image, p) - cos(image, n) where
 * p and n are the re-normalised means of the positive and negative prompt ensembles' embeddings; ROC AUC over the
 * images with a binary label under the {@link LabelPolicy}, with a percentile-bootstrap 95% CI; the mean over
 * findings that have both classes (others are n/a and left out of the mean). Prompt sensitivity: the AUC of every
 * single (positive i, negative j) prompt pair; sanity checks: {@link ZeroShotFlag}.
 */
public final class ZeroShot {
    private ZeroShot() {}

    /**
     * One finding's result. {@code pairAuc[i][j]} is the AUC of positive prompt i against negative prompt j alone
     * (NaN when the finding is n/a).
     */
    public record FindingResult(String finding, double auc, double ci95Low, double ci95High, int nPos, int nNeg,
                                double[] fpr, double[] tpr, double[][] pairAuc, List<ZeroShotFlag> flags) {
        public boolean defined() { return !Double.isNaN(auc); }

        public int promptPairs() { return pairAuc.length == 0 ? 0 : pairAuc.length * pairAuc[0].length; }

        /** Lowest single-pair AUC (NaN when n/a). */
        public double pairAucMin() { return extreme(-1); }

        /** Highest single-pair AUC (NaN when n/a). */
        public double pairAucMax() { return extreme(1); }

        private double extreme(int sign) {
            double best = Double.NaN;
            for (double[] row : pairAuc) for (double a : row)
                if (!Double.isNaN(a) && (Double.isNaN(best) || sign * (a - best) > 0)) best = a;
            return best;
        }
    }

    /** One image's score for one finding (the rows of scores.csv). */
    public record Score(String dicomId, String finding, double label, double score) {}

    public record Result(double meanAuc, List<FindingResult> perFinding, List<Score> scores, LabelPolicy labelPolicy, String split) {}

    /** Test split, uncertain and blank labels ignored. */
    public static Result evaluate(EmbeddedSplit test, Prompts prompts, TextEncoder encoder, int bootstrapResamples, long seed) {
        return evaluate(test, "test", prompts, encoder, LabelPolicy.IGNORE_BOTH, bootstrapResamples, seed);
    }

    public static Result evaluate(EmbeddedSplit split, String splitName, Prompts prompts, TextEncoder encoder, LabelPolicy policy,
                                  int bootstrapResamples, long seed) {
        return evaluate(split, splitName, prompts, encoder, policy, QueryScoring.BEST, bootstrapResamples, seed);
    }

    /** With an image held as query embeddings (ELIXR-B) scored by {@code scoring} against each prompt direction. */
    public static Result evaluate(EmbeddedSplit split, String splitName, Prompts prompts, TextEncoder encoder, LabelPolicy policy,
                                  QueryScoring scoring, int bootstrapResamples, long seed) {
        List<FindingResult> per = new ArrayList<>();
        List<Score> scores = new ArrayList<>();
        double sum = 0;
        int defined = 0;
        for (String finding : Findings.CHEXPERT_13) {
            Prompts.Pair pair = prompts.byFinding().get(finding);
            if (pair == null) throw new IllegalArgumentException("zero-shot: no prompts for finding '" + finding + "'");
            float[][] posEach = encoder.encode(pair.positive()), negEach = encoder.encode(pair.negative());
            float[] pos = Embeddings.meanDirection(posEach), neg = Embeddings.meanDirection(negEach);
            List<Double> labels = new ArrayList<>(), values = new ArrayList<>();
            List<double[]> posCos = new ArrayList<>(), negCos = new ArrayList<>();
            for (int i = 0; i < split.size(); i++) {
                double y = split.binaryLabel(i, finding, policy);
                if (Double.isNaN(y)) continue;
                float[] img = split.embeddings()[i];
                double s = scoring.similarity(img, pos) - scoring.similarity(img, neg);
                labels.add(y);
                values.add(s);
                posCos.add(cosines(img, posEach, scoring));
                negCos.add(cosines(img, negEach, scoring));
                scores.add(new Score(split.ids().get(i), finding, y, s));
            }
            double[] y = unbox(labels);
            FindingResult r = score(finding, y, unbox(values), pairAucs(y, posCos, negCos, posEach.length, negEach.length),
                    bootstrapResamples, seed);
            per.add(r);
            if (r.defined()) { sum += r.auc(); defined++; }
        }
        return new Result(defined == 0 ? Double.NaN : sum / defined, per, scores, policy, splitName);
    }

    private static double[] cosines(float[] img, float[][] prompts, QueryScoring scoring) {
        double[] c = new double[prompts.length];
        for (int p = 0; p < c.length; p++) c[p] = scoring.similarity(img, prompts[p]);
        return c;
    }

    /** AUC of score cos(image, positive i) - cos(image, negative j) for every prompt pair; NaN when a class is absent. */
    static double[][] pairAucs(double[] y, List<double[]> posCos, List<double[]> negCos, int nPosPrompts, int nNegPrompts) {
        double[][] out = new double[nPosPrompts][nNegPrompts];
        double[] s = new double[y.length];
        for (int p = 0; p < nPosPrompts; p++)
            for (int q = 0; q < nNegPrompts; q++) {
                for (int k = 0; k < y.length; k++) s[k] = posCos.get(k)[p] - negCos.get(k)[q];
                out[p][q] = y.length == 0 ? Double.NaN : RocAuc.auc(y, s);
            }
        return out;
    }

    static FindingResult score(String finding, double[] y, double[] s, double[][] pairAuc, int resamples, long seed) {
        int nPos = 0;
        for (double v : y) if (v == 1.0) nPos++;
        int nNeg = y.length - nPos;
        if (nPos == 0 || nNeg == 0)
            return new FindingResult(finding, Double.NaN, Double.NaN, Double.NaN, nPos, nNeg, new double[0], new double[0],
                    pairAuc, ZeroShotFlag.of(nPos, nNeg, Double.NaN, Double.NaN));
        var ci = Bootstrap.ci95(y, s, RocAuc::auc, resamples, seed);
        double[][] curve = RocAuc.curve(y, s);
        double auc = RocAuc.auc(y, s);
        return new FindingResult(finding, auc, ci.low(), ci.high(), nPos, nNeg, curve[0], curve[1], pairAuc,
                ZeroShotFlag.of(nPos, nNeg, auc, ci.high()));
    }

    /** Writes {@code metrics.json} and {@code scores.csv} into {@code dir}. */
    public static void write(Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        putNumber(root, "mean_auc", r.meanAuc());
        root.put("split", r.split());
        ObjectNode policy = root.putObject("label_policy");
        policy.put("uncertain", r.labelPolicy().uncertain().word());
        policy.put("blank", r.labelPolicy().blank().word());
        root.put("min_class_count", ZeroShotFlag.MIN_CLASS_COUNT);
        ObjectNode meanings = root.putObject("flag_meanings");
        for (ZeroShotFlag f : ZeroShotFlag.values()) meanings.put(f.key(), f.meaning());
        ObjectNode per = root.putObject("per_finding");
        for (FindingResult f : r.perFinding()) {
            ObjectNode o = per.putObject(f.finding());
            putNumber(o, "auc", f.auc());
            putNumber(o, "ci95_low", f.ci95Low());
            putNumber(o, "ci95_high", f.ci95High());
            o.put("n_pos", f.nPos());
            o.put("n_neg", f.nNeg());
            o.put("n_prompt_pairs", f.promptPairs());
            putNumber(o, "single_pair_auc_min", f.pairAucMin());
            putNumber(o, "single_pair_auc_max", f.pairAucMax());
            ArrayNode pairs = o.putArray("single_pair_aucs");
            for (double[] row : f.pairAuc()) {
                ArrayNode a = pairs.addArray();
                for (double v : row) if (Double.isNaN(v)) a.addNull(); else a.add(v);
            }
            ArrayNode flags = o.putArray("flags");
            for (ZeroShotFlag fl : f.flags()) flags.add(fl.key());
        }
        Files.writeString(dir.resolve("metrics.json"), m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        StringBuilder csv = new StringBuilder("dicom_id,finding,label,score\n");
        for (Score s : r.scores())
            csv.append(s.dicomId()).append(',').append(Csv.quote(s.finding())).append(',').append((int) s.label()).append(',')
                    .append(s.score()).append('\n');
        Files.writeString(dir.resolve("scores.csv"), csv);
    }

    /** NaN is written as JSON null (an n/a finding). */
    static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) o.putNull(key); else o.put(key, v);
    }

    static double[] unbox(List<Double> xs) {
        double[] d = new double[xs.size()];
        for (int i = 0; i < d.length; i++) d[i] = xs.get(i);
        return d;
    }
}
