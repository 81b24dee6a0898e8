package dev.elixr.tasks.report;

import dev.elixr.tasks.eval.DataEfficient;
import dev.elixr.tasks.eval.SemanticSearch;
import dev.elixr.tasks.eval.ZeroShot;
import dev.elixr.tasks.eval.ZeroShotFlag;
import dev.elixr.tasks.train.TrainingHistory;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The ELIXR-C report: training curves, zero-shot AUCs with CIs and ROC curves, the data-efficient table (ours vs
 * the supervised baseline per fraction) and every search query with its top-k thumbnails and their relevance.
 */
public final class ElixrCReport {
    private ElixrCReport() {}

    /** Everything the report shows; any part may be null (its section is then omitted). */
    public record Inputs(String title, String description, TrainingHistory history, ZeroShot.Result zeroShot,
                         DataEfficient.Result dataEfficient, SemanticSearch.Result search,
                         Function<String, byte[]> thumbnail) {}

    public static HtmlReport build(Inputs in) {
        HtmlReport r = new HtmlReport(in.title());
        if (in.description() != null) r.paragraph(in.description());
        if (in.history() != null) training(r, in.history());
        if (in.zeroShot() != null) zeroShot(r, in.zeroShot());
        if (in.dataEfficient() != null) dataEfficient(r, in.dataEfficient());
        if (in.search() != null) search(r, in.search(), in.thumbnail());
        return r;
    }

    /** The training loss (smoothed over 20 steps) and, when epochs ended, the validation loss, against the step. */
    static List<Svg.Series> lossSeries(TrainingHistory h) {
        double[] s = h.steps().stream().mapToDouble(TrainingHistory.Step::step).toArray();
        double[] loss = smooth(h.steps().stream().mapToDouble(TrainingHistory.Step::loss).toArray(), 20);
        List<Svg.Series> series = new ArrayList<>(List.of(new Svg.Series("train (smoothed)", Svg.PALETTE.get(0), s, loss)));
        if (!h.epochs().isEmpty())
            series.add(new Svg.Series("validation", Svg.PALETTE.get(1),
                    h.epochs().stream().mapToDouble(TrainingHistory.Epoch::step).toArray(),
                    h.epochs().stream().mapToDouble(TrainingHistory.Epoch::valLoss).toArray()));
        return series;
    }

    static void training(HtmlReport r, TrainingHistory h) {
        r.heading(2, "Contrastive training (ELIXR-C)");
        double[] s = h.steps().stream().mapToDouble(TrainingHistory.Step::step).toArray();
        r.figures(List.of(
                Svg.lineChart("CLIP loss", "step", "loss", lossSeries(h), null, null),
                Svg.lineChart("learning rate", "step", "lr", List.of(new Svg.Series("lr", Svg.PALETTE.get(2), s,
                        h.steps().stream().mapToDouble(TrainingHistory.Step::lr).toArray())), null, null),
                Svg.lineChart("temperature", "step", "tau", List.of(new Svg.Series("tau", Svg.PALETTE.get(3), s,
                        h.steps().stream().mapToDouble(TrainingHistory.Step::temperature).toArray())), null, null)));
        List<List<String>> rows = new ArrayList<>();
        for (TrainingHistory.Epoch e : h.epochs())
            rows.add(List.of(Integer.toString(e.epoch()), Long.toString(e.step()), f3(e.trainLoss()), f3(e.valLoss())));
        r.table(List.of("epoch", "step", "train loss", "validation loss"), rows);
    }

    static void zeroShot(HtmlReport r, ZeroShot.Result z) {
        r.heading(2, "Zero-shot classification: mean AUC " + f3(z.meanAuc()));
        r.paragraph("Score = cos(image, mean positive prompt) - cos(image, mean negative prompt), each side the re-normalised "
                + "mean embedding of its prompt ensemble; AUC over " + z.split() + " images with a binary label (labels: "
                + z.labelPolicy() + "), 95% percentile-bootstrap intervals; findings without both classes are n/a and left out "
                + "of the mean. 'Single prompt pairs' is the range of AUCs of each positive prompt against each negative prompt "
                + "alone: a wide range means the result hinges on the wording.");
        List<List<String>> rows = new ArrayList<>();
        List<String> svgs = new ArrayList<>();
        Set<ZeroShotFlag> raised = new LinkedHashSet<>();
        int c = 0;
        for (ZeroShot.FindingResult f : z.perFinding()) {
            raised.addAll(f.flags());
            rows.add(List.of(f.finding(), f.defined() ? f3(f.auc()) : "n/a",
                    f.defined() ? f3(f.ci95Low()) + " - " + f3(f.ci95High()) : "",
                    f.defined() ? f3(f.pairAucMin()) + " - " + f3(f.pairAucMax()) + " (" + f.promptPairs() + ")" : "",
                    Integer.toString(f.nPos()), Integer.toString(f.nNeg()),
                    f.flags().isEmpty() ? "" : "\u26A0 " + String.join(", ", f.flags().stream().map(ZeroShotFlag::key).toList())));
            if (f.defined())
                svgs.add(Svg.rocChart(f.finding() + " (AUC " + f3(f.auc()) + ")",
                        List.of(new Svg.Series(f.finding(), Svg.PALETTE.get(c++ % 6), f.fpr(), f.tpr()))));
        }
        r.table(List.of("finding", "AUC", "95% CI", "single prompt pairs (n)", "positives", "negatives", "flags"), rows);
        for (ZeroShotFlag f : raised) r.paragraph("\u26A0 " + f.key() + ": " + f.meaning() + ".");
        r.figures(svgs);
    }

    static void dataEfficient(HtmlReport r, DataEfficient.Result d) {
        r.heading(2, "Data-efficient classification");
        r.paragraph("Probes on frozen embeddings trained on a fraction of the labelled training images (sampled by patient, "
                + d.config().repeats() + " seeded repeats below 100%); mean AUC over " + String.join(", ", d.config().findings())
                + " on the test split, mean +- sd over repeats. The supervised baseline trains the same image encoder from scratch "
                + "on the same images with labels only.");
        Set<String> sources = new LinkedHashSet<>(), probes = new LinkedHashSet<>();
        for (DataEfficient.Summary s : d.summaries()) { sources.add(s.source()); probes.add(s.probe()); }
        List<String> headers = new ArrayList<>(List.of("encoder", "probe"));
        for (double f : d.config().fractions()) headers.add(pct(f) + " (" + trainImages(d, f) + " images)");
        List<List<String>> rows = new ArrayList<>();
        for (String src : sources) for (String p : probes) {
            List<String> row = new ArrayList<>(List.of(src, p));
            for (double f : d.config().fractions()) {
                var s = d.summary(src, p, f);
                row.add(f3(s.meanAuc()) + " +- " + f3(s.sdAuc()));
            }
            rows.add(row);
        }
        r.table(headers, rows);
    }

    static String trainImages(DataEfficient.Result d, double fraction) {
        return d.runs().stream().filter(x -> x.fraction() == fraction).mapToInt(DataEfficient.Run::trainImages)
                .average().stream().mapToObj(v -> String.format(Locale.ROOT, "%.0f", v)).findFirst().orElse("?");
    }

    static void search(HtmlReport r, SemanticSearch.Result s, Function<String, byte[]> thumbnail) {
        r.heading(2, String.format(Locale.ROOT, "Semantic search: mean NDCG@%d %s, precision@%d %s, %d of %d queries perfect",
                s.k(), f3(s.meanNdcg()), s.k(), f3(s.meanPrecision()), s.perfect(), s.perQuery().size()));
        r.paragraph("Relevance 2 (green) = exact match of the query, 1 (amber) = partial (the finding with another laterality, "
                + "severity or device, or one of two findings), 0 (grey) = none.");
        List<List<String>> rows = new ArrayList<>();
        for (SemanticSearch.QueryResult q : s.perQuery())
            rows.add(List.of(q.query(), f3(q.ndcg()), f3(q.precision()), Integer.toString(q.relevantInSplit())));
        r.table(List.of("query", "NDCG@" + s.k(), "precision@" + s.k(), "relevant images in split"), rows);
        if (thumbnail == null) return;
        for (SemanticSearch.QueryResult q : s.perQuery()) {
            r.heading(4, q.query() + " (NDCG " + f3(q.ndcg()) + ")");
            StringBuilder sb = new StringBuilder("<div>");
            for (SemanticSearch.Hit h : q.top())
                sb.append(HtmlReport.thumbnail(thumbnail.apply(h.dicomId()),
                        "#" + h.rank() + " rel " + h.relevance() + " (" + f3(h.score()) + ")", "r" + h.relevance()));
            r.raw(sb.append("</div>").toString());
        }
    }

    static double[] smooth(double[] v, int window) {
        double[] out = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i];
            if (i >= window) sum -= v[i - window];
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

    static String f3(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String pct(double f) {
        return String.format(Locale.ROOT, "%s%%", BigDecimal.valueOf(f).movePointRight(2).stripTrailingZeros().toPlainString());
    }
}
