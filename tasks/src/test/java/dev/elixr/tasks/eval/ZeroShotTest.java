package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.tasks.metrics.RocAuc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ZeroShotTest {
    @Test void scoreIsCosinePositiveMinusCosineNegative() {
        EmbeddedSplit s = EvalFixtures.split(40, 0.3, 1, -1);
        var r = ZeroShot.evaluate(s, EvalFixtures.axisPrompts(), EvalFixtures.axisEncoder(), 50, 3);
        int f = Findings.index("Edema"), dim = Findings.CHEXPERT_13.size() + 2;
        for (var sc : r.scores()) {
            if (!sc.finding().equals("Edema")) continue;
            float[] e = s.embeddings()[Integer.parseInt(sc.dicomId().substring(1))];
            assertEquals(e[f] - e[dim - 1], sc.score(), 1e-6);
        }
        assertEquals(13 * 40, r.scores().size());
    }

    @Test void aucPerFindingAndMeanOverDefinedFindings() {
        EmbeddedSplit s = EvalFixtures.split(60, 0.25, 2, Findings.index("Fracture"));
        var r = ZeroShot.evaluate(s, EvalFixtures.axisPrompts(), EvalFixtures.axisEncoder(), 100, 3);
        double sum = 0;
        int n = 0;
        for (var f : r.perFinding()) {
            if (f.finding().equals("Fracture")) {
                assertFalse(f.defined(), "a finding without labelled images is n/a");
                assertEquals(0, f.nPos() + f.nNeg());
                continue;
            }
            double[] y = r.scores().stream().filter(x -> x.finding().equals(f.finding())).mapToDouble(ZeroShot.Score::label).toArray();
            double[] sc = r.scores().stream().filter(x -> x.finding().equals(f.finding())).mapToDouble(ZeroShot.Score::score).toArray();
            assertEquals(RocAuc.auc(y, sc), f.auc(), 1e-12);
            assertTrue(f.ci95Low() <= f.auc() && f.auc() <= f.ci95High(), f.toString());
            assertTrue(f.auc() > 0.7, "signal along the finding's axis: " + f);
            sum += f.auc();
            n++;
        }
        assertEquals(12, n);
        assertEquals(sum / n, r.meanAuc(), 1e-12);
    }

    @Test void writesMetricsJsonWithNullForNaAndScoresCsv(@TempDir Path dir) throws Exception {
        EmbeddedSplit s = EvalFixtures.split(30, 0.5, 4, Findings.index("Fracture"));
        var r = ZeroShot.evaluate(s, EvalFixtures.axisPrompts(), EvalFixtures.axisEncoder(), 20, 3);
        ZeroShot.write(r, dir);
        var json = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertEquals(r.meanAuc(), json.get("mean_auc").asDouble(), 1e-15);
        assertTrue(json.get("per_finding").get("Fracture").get("auc").isNull());
        assertEquals(r.perFinding().get(0).nPos(), json.get("per_finding").get("Atelectasis").get("n_pos").asInt());
        List<String> lines = Files.readAllLines(dir.resolve("scores.csv"));
        assertEquals("dicom_id,finding,label,score", lines.get(0));
        assertEquals(12 * 30 + 1, lines.size());
    }

    @Test void defaultPromptsCoverAll13Findings() {
        var p = Prompts.defaults();
        assertEquals(Findings.CHEXPERT_13, List.copyOf(p.byFinding().keySet()));
    }

    @Test void missingPromptNamesTheFinding() {
        var p = new Prompts(java.util.Map.of());
        var e = assertThrows(IllegalArgumentException.class,
                () -> ZeroShot.evaluate(EvalFixtures.split(4, 0, 1, -1), p, EvalFixtures.axisEncoder(), 5, 1));
        assertTrue(e.getMessage().contains("Atelectasis"));
    }
}
