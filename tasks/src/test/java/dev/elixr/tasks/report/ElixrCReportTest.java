package dev.elixr.tasks.report;

import dev.elixr.tasks.eval.DataEfficient;
import dev.elixr.tasks.eval.SemanticSearch;
import dev.elixr.tasks.eval.ZeroShot;
import dev.elixr.tasks.eval.ZeroShotFlag;
import dev.elixr.tasks.data.LabelPolicy;
import dev.elixr.tasks.train.TrainingHistory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ElixrCReportTest {
    @Test void allSectionsWithTablesChartsAndThumbnails() {
        var h = new TrainingHistory();
        for (int i = 1; i <= 30; i++) h.steps().add(new TrainingHistory.Step(i, 3.0 / i, 1e-3, 0.07));
        h.epochs().add(new TrainingHistory.Epoch(1, 30, 0.5, 0.6));
        var zs = new ZeroShot.Result(0.8, List.of(
                new ZeroShot.FindingResult("Edema", 0.8, 0.7, 0.9, 10, 20, new double[] {0, 0.2, 1}, new double[] {0, 0.8, 1},
                        new double[][] {{0.75, 0.85}}, List.of()),
                new ZeroShot.FindingResult("Fracture", Double.NaN, Double.NaN, Double.NaN, 0, 30, new double[0], new double[0],
                        new double[][] {{Double.NaN}}, List.of(ZeroShotFlag.NO_POSITIVES))), List.of(), LabelPolicy.IGNORE_BOTH, "test");
        var cfg = new DataEfficient.Config(List.of("Edema"), new double[] {0.01, 1.0}, 3, 1);
        var de = new DataEfficient.Result(cfg,
                List.of(new DataEfficient.Run("elixr-c", "logistic", 0.01, 0, 12, "Edema", 0.9),
                        new DataEfficient.Run("elixr-c", "logistic", 1.0, 0, 1000, "Edema", 0.95)),
                List.of(new DataEfficient.Summary("elixr-c", "logistic", 0.01, 0.9, 0.01, Map.of("Edema", new double[] {0.9, 0.01})),
                        new DataEfficient.Summary("elixr-c", "logistic", 1.0, 0.95, 0, Map.of("Edema", new double[] {0.95, 0}))),
                List.of());
        var hit = new SemanticSearch.Hit(1, 0, "img0", 0.5, 2);
        var ss = new SemanticSearch.Result(5, 0.75, 0.6, 1, List.of(new SemanticSearch.QueryResult("left pleural effusion", 1, 1, 3, List.of(hit), List.of(), new double[0], new double[0])));
        String html = ElixrCReport.build(new ElixrCReport.Inputs("ELIXR-C demo", "synthetic", h, zs, de, ss,
                id -> Png.grey(new float[] {0, 1, 2, 3}, 2, 2))).html();
        assertTrue(html.contains("Zero-shot classification: mean AUC 0.800"));
        assertTrue(html.contains("<td>Fracture</td><td>n/a</td>"));
        assertTrue(html.contains("<td>Edema</td><td>0.800</td><td>0.700 - 0.900</td><td>0.750 - 0.850 (2)</td><td>10</td><td>20</td><td></td>"), html);
        assertTrue(html.contains("<td>\u26A0 no_positives</td>"), "n/a finding carries its flag");
        assertTrue(html.contains("\u26A0 no_positives: no image labelled positive"), "and the flag is explained");
        assertFalse(html.contains("auc_below_0.5"), "only raised flags are explained");
        assertTrue(html.contains("labels: uncertain ignore, blank ignore"));
        assertTrue(html.contains("<th>1% (12 images)</th><th>100% (1000 images)</th>"), html);
        assertTrue(html.contains("<td>0.900 +- 0.010</td>"));
        assertTrue(html.contains("1 of 1 queries perfect"));
        assertTrue(html.contains("figure class=\"r2\""));
        assertEquals(3 + 1, html.split("<svg").length - 1, "3 training charts + 1 ROC (n/a finding has none)");
    }
}
