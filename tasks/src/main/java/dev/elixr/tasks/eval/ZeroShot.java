package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.tasks.metrics.Bootstrap;
import dev.elixr.tasks.metrics.RocAuc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Zero-shot classification (ELIXR section 2.3; CheXzero): per finding, score = cos(image, positive prompt)
 * - cos(image, negative prompt); ROC AUC over the test images labelled 0 or 1 with a percentile-bootstrap 95% CI;
 * the mean over findings that have both classes (others are n/a and left out of the mean).
 */
public final class ZeroShot {
    private ZeroShot() {}

    public record FindingResult(String finding, double auc, double ci95Low, double ci95High, int nPos, int nNeg,
                                double[] fpr, double[] tpr) {
        public boolean defined() { return !Double.isNaN(auc); }
    }

    /** One image's score for one finding (the rows of scores.csv). */
    public record Score(String dicomId, String finding, double label, double score) {}

    public record Result(double meanAuc, List<FindingResult> perFinding, List<Score> scores) {}

    public static Result evaluate(EmbeddedSplit test, Prompts prompts, TextEncoder encoder, int bootstrapResamples, long seed) {
        List<FindingResult> per = new ArrayList<>();
        List<Score> scores = new ArrayList<>();
        double sum = 0;
        int defined = 0;
        for (String finding : Findings.CHEXPERT_13) {
            Prompts.Pair pair = prompts.byFinding().get(finding);
            if (pair == null) throw new IllegalArgumentException("zero-shot: no prompts for finding '" + finding + "'");
            float[] pos = Embeddings.meanDirection(encoder.encode(pair.positive()));
            float[] neg = Embeddings.meanDirection(encoder.encode(pair.negative()));
            List<Double> labels = new ArrayList<>(), values = new ArrayList<>();
            for (int i = 0; i < test.size(); i++) {
                double y = test.binaryLabel(i, finding);
                if (Double.isNaN(y)) continue;
                float[] img = test.embeddings()[i];
                double s = Embeddings.dot(img, pos) - Embeddings.dot(img, neg);
                labels.add(y);
                values.add(s);
                scores.add(new Score(test.ids().get(i), finding, y, s));
            }
            FindingResult r = score(finding, unbox(labels), unbox(values), bootstrapResamples, seed);
            per.add(r);
            if (r.defined()) { sum += r.auc(); defined++; }
        }
        return new Result(defined == 0 ? Double.NaN : sum / defined, per, scores);
    }

    static FindingResult score(String finding, double[] y, double[] s, int resamples, long seed) {
        int nPos = 0;
        for (double v : y) if (v == 1.0) nPos++;
        int nNeg = y.length - nPos;
        if (nPos == 0 || nNeg == 0)
            return new FindingResult(finding, Double.NaN, Double.NaN, Double.NaN, nPos, nNeg, new double[0], new double[0]);
        var ci = Bootstrap.ci95(y, s, RocAuc::auc, resamples, seed);
        double[][] curve = RocAuc.curve(y, s);
        return new FindingResult(finding, RocAuc.auc(y, s), ci.low(), ci.high(), nPos, nNeg, curve[0], curve[1]);
    }

    /** Writes {@code metrics.json} and {@code scores.csv} into {@code dir}. */
    public static void write(Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        putNumber(root, "mean_auc", r.meanAuc());
        ObjectNode per = root.putObject("per_finding");
        for (FindingResult f : r.perFinding()) {
            ObjectNode o = per.putObject(f.finding());
            putNumber(o, "auc", f.auc());
            putNumber(o, "ci95_low", f.ci95Low());
            putNumber(o, "ci95_high", f.ci95High());
            o.put("n_pos", f.nPos());
            o.put("n_neg", f.nNeg());
        }
        Files.writeString(dir.resolve("metrics.json"), m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        StringBuilder csv = new StringBuilder("dicom_id,finding,label,score\n");
        for (Score s : r.scores())
            csv.append(s.dicomId()).append(',').append(Csv.quote(s.finding())).append(',').append((int) s.label()).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", s.score())).append('\n');
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
