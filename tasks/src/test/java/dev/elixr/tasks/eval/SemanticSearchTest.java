package dev.elixr.tasks.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

@SuppressWarnings("unchecked")
class SemanticSearchTest {
    static StudyTruth truth(Object... findingAndAttrs) {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        for (int i = 0; i < findingAndAttrs.length; i += 2)
            m.put((String) findingAndAttrs[i], (Map<String, String>) findingAndAttrs[i + 1]);
        return new StudyTruth(m);
    }

    static SearchQuery query(String text) {
        return SearchQuery.defaults().stream().filter(q -> q.text().equals(text)).findFirst().orElseThrow();
    }

    @Test void nineteenDefaultQueries() {
        assertEquals(19, SearchQuery.defaults().size());
    }

    @Test void relevanceRuleAsDocumented() {
        var left = query("left pleural effusion");
        assertEquals(2, Relevance.grade(left, truth("Pleural Effusion", Map.of("laterality", "left", "severity", "small"))));
        assertEquals(1, Relevance.grade(left, truth("Pleural Effusion", Map.of("laterality", "bilateral"))));
        assertEquals(1, Relevance.grade(left, truth("Pleural Effusion", Map.of())), "unknown attribute: partial");
        assertEquals(0, Relevance.grade(left, truth("Edema", Map.of())));
        var both = query("cardiomegaly with pulmonary edema");
        assertEquals(2, Relevance.grade(both, truth("Cardiomegaly", Map.of(), "Edema", Map.of("severity", "mild"))));
        assertEquals(1, Relevance.grade(both, truth("Edema", Map.of())));
        var ett = query("endotracheal tube");
        assertEquals(2, Relevance.grade(ett, truth("Support Devices", Map.of("kind", "pacemaker;endotracheal tube"))));
        assertEquals(1, Relevance.grade(ett, truth("Support Devices", Map.of("kind", "pacemaker"))));
        var normal = query("no acute cardiopulmonary process");
        assertEquals(2, Relevance.grade(normal, truth()));
        assertEquals(1, Relevance.grade(normal, truth("Support Devices", Map.of())));
        assertEquals(0, Relevance.grade(normal, truth("Support Devices", Map.of(), "Edema", Map.of())));
    }

    @Test void itmRerankingReordersOnlyTheItcCandidatesAndRescoresNdcg() {
        // ITC ranks b, d, a, c; the re-ranker prefers a (then c) among the top 3 candidates b, d, a: a, b, d, c.
        float[][] emb = {{0.6f, 0.8f}, {1, 0}, {0, 1}, {0.8f, 0.6f}};
        float[][] labels = {EvalFixtures.labelsOf(), EvalFixtures.labelsOf(), EvalFixtures.labelsOf(), EvalFixtures.labelsOf()};
        var split = new EmbeddedSplit(List.of("a", "b", "c", "d"), List.of("p", "p", "q", "q"), emb, labels);
        var truths = List.of(truth("Cardiomegaly", Map.of()), truth(), truth("Cardiomegaly", Map.of()), truth());
        var itc = SemanticSearch.evaluate(split, truths, List.of(query("cardiomegaly")), t -> new float[][] {{1, 0}}, 2);
        Map<String, Double> itm = Map.of("a", 5.0, "b", 1.0, "c", 100.0, "d", 0.5);
        var seen = new java.util.ArrayList<String>();
        var r = SemanticSearch.rerank(itc, (text, candidates) -> {
            double[] out = new double[candidates.length];
            for (int i = 0; i < out.length; i++) {
                seen.add(split.ids().get(candidates[i]));
                out[i] = itm.get(split.ids().get(candidates[i]));
            }
            return out;
        }, 3);
        assertEquals(List.of("b", "d", "a"), seen, "the re-ranker sees the ITC top 3 only");
        var q = r.perQuery().get(0);
        assertEquals(List.of("a", "b"), q.top().stream().map(SemanticSearch.Hit::dicomId).toList());
        assertEquals(5.0 + 0.6, q.top().get(0).score(), 1e-6, "ITM logit + ITC similarity");
        assertTrue(q.scores()[2] < q.scores()[3], "c stays below the candidates although its ITM score would be highest");
        assertEquals(0.5, q.precision());
        assertEquals(1.0 / (1.0 / (Math.log(2) / Math.log(2)) + 1.0 / (Math.log(3) / Math.log(2))), q.ndcg(), 1e-12,
                "one relevant (grade 2) image at rank 1 of the two that exist");
        assertThrows(IllegalArgumentException.class, () -> SemanticSearch.rerank(itc, (t, c) -> new double[c.length], 1));
    }

    @Test void ranksByCosineAndScoresNdcgByHand(@TempDir Path dir) throws Exception {
        // 4 images in 2-D; the query "cardiomegaly" points along x.
        float[][] emb = {{0.6f, 0.8f}, {1, 0}, {0, 1}, {0.8f, 0.6f}};
        float[][] labels = {EvalFixtures.labelsOf(), EvalFixtures.labelsOf(), EvalFixtures.labelsOf(), EvalFixtures.labelsOf()};
        var split = new EmbeddedSplit(List.of("a", "b", "c", "d"), List.of("p", "p", "q", "q"), emb, labels);
        var truths = List.of(truth("Cardiomegaly", Map.of()), truth(), truth("Cardiomegaly", Map.of()), truth());
        TextEncoder enc = t -> new float[][] {{1, 0}};
        var r = SemanticSearch.evaluate(split, truths, List.of(query("cardiomegaly")), enc, 2);
        var q = r.perQuery().get(0);
        assertEquals(List.of("b", "d"), q.top().stream().map(SemanticSearch.Hit::dicomId).toList());
        assertEquals(0.0, q.ndcg(), 1e-15);
        assertEquals(0.0, q.precision());
        assertEquals(2, q.relevantInSplit());
        enc = t -> new float[][] {{0.6f, 0.8f}}; // ranks a (rel 2), d, c (rel 2), b
        q = SemanticSearch.evaluate(split, truths, List.of(query("cardiomegaly")), enc, 2).perQuery().get(0);
        double ideal = 2 + 2 / (Math.log(3) / Math.log(2));
        assertEquals(2 / ideal, q.ndcg(), 1e-12);
        assertEquals(0.5, q.precision(), 1e-15);
        SemanticSearch.write(SemanticSearch.evaluate(split, truths, List.of(query("cardiomegaly")), enc, 2), dir);
        var lines = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals("query,rank,dicom_id,score,relevance", lines.get(0));
        // scores in shortest round-trip form (1.0000000476837165 here), parsed back to the same double
        assertEquals("cardiomegaly,1,a," + q.top().get(0).score() + ",2", lines.get(1));
        assertEquals(q.top().get(0).score(), Double.parseDouble(lines.get(1).split(",")[3]));
        var all = Files.readAllLines(dir.resolve("scores.csv"));
        assertEquals("query,dicom_id,score,relevance", all.get(0));
        assertEquals(1 + split.size(), all.size(), "every image of the split");
        assertTrue(Files.readString(dir.resolve("metrics.json")).contains("\"perfect_queries\" : 0"));
    }
}
