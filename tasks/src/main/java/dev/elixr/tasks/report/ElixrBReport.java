package dev.elixr.tasks.report;

import dev.elixr.tasks.eval.DataEfficient;
import dev.elixr.tasks.eval.SemanticSearch;
import dev.elixr.tasks.eval.ZeroShot;
import dev.elixr.tasks.train.TrainingHistory;

import java.util.ArrayList;
import java.util.List;

import static dev.elixr.tasks.report.ElixrCReport.f3;
import static dev.elixr.tasks.report.ElixrCReport.pct;

/**
 * The ELIXR-B part of the demo report: the stage-1 training curves and, per task, ELIXR-B beside ELIXR-C on the same test
 * images (Xu et al. 2023, §3: ELIXR-B scores an image by its best query; search also re-ranked by ITM, as BLIP-2 does).
 */
public final class ElixrBReport {
    private ElixrBReport() {}

    /** One model's three evaluations. */
    public record Side(ZeroShot.Result zeroShot, DataEfficient.Result dataEfficient, SemanticSearch.Result search) {}

    /** Appends the ELIXR-B sections; reranked may be null (no ITM re-ranking). */
    public static void append(HtmlReport r, String description, TrainingHistory history, Side c, Side b,
                              SemanticSearch.Result reranked, int candidates) {
        r.heading(2, "ELIXR-B stage 1 beside ELIXR-C");
        r.paragraph(description + ". ELIXR-B scores an image by its best query: zero-shot max_q cos(img_q, positive) - "
                + "max_q cos(img_q, negative), search max_q cos(img_q, query); its probes read the query outputs average-pooled. "
                + "Same test images, prompts, queries and probe subsets as ELIXR-C.");
        if (history != null && !history.steps().isEmpty()) curves(r, history);
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("zero-shot, mean AUC", f3(c.zeroShot().meanAuc()), f3(b.zeroShot().meanAuc())));
        for (double f : b.dataEfficient().config().fractions())
            for (String probe : probes(b.dataEfficient())) {
                var sc = c.dataEfficient().summary("elixr-c", probe, f);
                var sb = b.dataEfficient().summary("elixr-b", probe, f);
                rows.add(List.of("data-efficient " + pct(f) + ", " + probe + ", mean AUC", sc == null ? "n/a" : f3(sc.meanAuc()),
                        sb == null ? "n/a" : f3(sb.meanAuc())));
            }
        rows.add(List.of("search, mean NDCG@" + b.search().k(), f3(c.search().meanNdcg()), f3(b.search().meanNdcg())));
        rows.add(List.of("search, mean precision@" + b.search().k(), f3(c.search().meanPrecision()), f3(b.search().meanPrecision())));
        if (reranked != null) {
            rows.add(List.of("search with ITM re-ranking of the top " + candidates + ", mean NDCG@" + reranked.k(), "", f3(reranked.meanNdcg())));
            rows.add(List.of("search with ITM re-ranking of the top " + candidates + ", mean precision@" + reranked.k(), "",
                    f3(reranked.meanPrecision())));
        }
        r.table(List.of("task", "ELIXR-C", "ELIXR-B"), rows);
        perFinding(r, c.zeroShot(), b.zeroShot());
        perQuery(r, c.search(), b.search(), reranked);
    }

    static void curves(HtmlReport r, TrainingHistory h) {
        double[] s = h.steps().stream().mapToDouble(TrainingHistory.Step::step).toArray();
        List<Svg.Series> series = ElixrCReport.lossSeries(h);
        r.figures(List.of(Svg.lineChart("stage-1 loss (ITC + ITM + ITG)", "step", "loss", series, null, null),
                Svg.lineChart("temperature", "step", "tau", List.of(new Svg.Series("tau", Svg.PALETTE.get(3), s,
                        h.steps().stream().mapToDouble(TrainingHistory.Step::temperature).toArray())), null, null)));
    }

    static void perFinding(HtmlReport r, ZeroShot.Result c, ZeroShot.Result b) {
        List<List<String>> rows = new ArrayList<>();
        for (ZeroShot.FindingResult fb : b.perFinding()) {
            var fc = c.perFinding().stream().filter(x -> x.finding().equals(fb.finding())).findFirst().orElse(null);
            rows.add(List.of(fb.finding(), fc == null || !fc.defined() ? "n/a" : f3(fc.auc()), fb.defined() ? f3(fb.auc()) : "n/a",
                    fb.defined() ? f3(fb.ci95Low()) + " - " + f3(fb.ci95High()) : ""));
        }
        r.table(List.of("zero-shot finding", "ELIXR-C AUC", "ELIXR-B AUC", "ELIXR-B 95% CI"), rows);
    }

    static void perQuery(HtmlReport r, SemanticSearch.Result c, SemanticSearch.Result b, SemanticSearch.Result reranked) {
        List<String> headers = new ArrayList<>(List.of("search query", "ELIXR-C NDCG@" + b.k(), "ELIXR-B NDCG@" + b.k()));
        if (reranked != null) headers.add("ELIXR-B + ITM NDCG@" + b.k());
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < b.perQuery().size(); i++) {
            var qb = b.perQuery().get(i);
            var qc = c.perQuery().stream().filter(x -> x.query().equals(qb.query())).findFirst().orElse(null);
            List<String> row = new ArrayList<>(List.of(qb.query(), qc == null ? "n/a" : f3(qc.ndcg()), f3(qb.ndcg())));
            if (reranked != null) row.add(f3(reranked.perQuery().get(i).ndcg()));
            rows.add(row);
        }
        r.table(headers, rows);
    }

    private static List<String> probes(DataEfficient.Result d) {
        return d.summaries().stream().map(DataEfficient.Summary::probe).distinct().toList();
    }
}
