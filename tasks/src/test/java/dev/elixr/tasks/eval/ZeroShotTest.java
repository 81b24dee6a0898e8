package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.tasks.data.LabelPolicy;
import dev.elixr.tasks.data.LabelPolicy.Treatment;
import dev.elixr.tasks.metrics.RocAuc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        var p = new Prompts(Map.of());
        var e = assertThrows(IllegalArgumentException.class,
                () -> ZeroShot.evaluate(EvalFixtures.split(4, 0, 1, -1), p, EvalFixtures.axisEncoder(), 5, 1));
        assertTrue(e.getMessage().contains("Atelectasis"));
    }

    /** An encoder that looks texts up in a table of (unnormalised) vectors and L2-normalises them. */
    static TextEncoder tableEncoder(Map<String, float[]> table) {
        return texts -> texts.stream().map(t -> {
            float[] v = table.get(t);
            if (v == null) throw new IllegalArgumentException("no vector for prompt '" + t + "'");
            return Embeddings.normalize(v);
        }).toArray(float[][]::new);
    }

    static Prompts samePromptsForAll(List<String> positive, List<String> negative) {
        Map<String, Prompts.Pair> m = new LinkedHashMap<>();
        for (String f : Findings.CHEXPERT_13) m.put(f, new Prompts.Pair(positive, negative));
        return new Prompts(m);
    }

    @Test void ensembleScoreIsCosineToTheMeanOfEachEnsembleByHand() {
        // positive ensemble (1,0,0), (0,1,0): mean direction (1,1,0)/sqrt 2; negative (0,0,1), (0.6,0,0.8): mean (0.3,0,0.9)/sqrt 0.9
        var enc = tableEncoder(Map.of("p1", new float[] {1, 0, 0}, "p2", new float[] {0, 1, 0},
                "n1", new float[] {0, 0, 1}, "n2", new float[] {0.6f, 0, 0.8f}));
        float[][] emb = {{0.6f, 0.8f, 0}, {0, 0, 1}, {0.8f, 0, 0.6f}, {0, 0.6f, 0.8f}};
        float[][] labels = {EvalFixtures.labelsOf("Edema"), EvalFixtures.labelsOf(), EvalFixtures.labelsOf("Edema"), EvalFixtures.labelsOf()};
        var split = new EmbeddedSplit(List.of("a", "b", "c", "d"), List.of("p", "q", "r", "s"), emb, labels);
        var r = ZeroShot.evaluate(split, samePromptsForAll(List.of("p1", "p2"), List.of("n1", "n2")), enc, 10, 1);
        double[] expected = {
                1.4 / Math.sqrt(2) - 0.18 / Math.sqrt(0.9),  // (0.6,0.8,0)
                0 - 0.9 / Math.sqrt(0.9),                     // (0,0,1)
                0.8 / Math.sqrt(2) - 0.78 / Math.sqrt(0.9),  // (0.8,0,0.6)
                0.6 / Math.sqrt(2) - 0.72 / Math.sqrt(0.9)}; // (0,0.6,0.8)
        var edema = r.scores().stream().filter(x -> x.finding().equals("Edema")).toList();
        assertEquals(4, edema.size());
        for (int i = 0; i < 4; i++) assertEquals(expected[i], edema.get(i).score(), 1e-6, "image " + i);
        // scores 0.800, -0.949 (neg), -0.257 (pos), -0.335 (neg): every positive above every negative
        var f = r.perFinding().get(Findings.index("Edema"));
        assertEquals(1.0, f.auc(), 1e-12);
        // single pairs: p1 vs n1 scores 0.6, -1, 0.2, -0.8 -> AUC 1; p2 vs n2 scores 0.44, -0.8, -0.96, -0.04 -> 2 of 4 pairs ordered
        assertEquals(4, f.promptPairs());
        assertEquals(1.0, f.pairAuc()[0][0], 1e-12);
        assertEquals(0.5, f.pairAuc()[1][1], 1e-12);
        assertEquals(0.5, f.pairAucMin(), 1e-12);
        assertEquals(1.0, f.pairAucMax(), 1e-12);
    }

    @Test void singlePairSpreadEqualsThePairAucsComputedDirectly() {
        int dim = Findings.CHEXPERT_13.size() + 2;
        EmbeddedSplit s = EvalFixtures.split(80, 0.6, 5, -1);
        Map<String, float[]> table = new HashMap<>();
        Map<String, Prompts.Pair> prompts = new LinkedHashMap<>();
        for (String f : Findings.CHEXPERT_13) {
            int a = Findings.index(f), other = (a + 1) % Findings.CHEXPERT_13.size();
            float[][] pos = {EvalFixtures.unit(dim, a), mix(dim, a, 1, dim - 2, 0.8f), mix(dim, a, 0.5f, other, 1)};
            float[][] neg = {EvalFixtures.unit(dim, dim - 1), mix(dim, dim - 1, 1, a, 0.3f)};
            List<String> pn = new ArrayList<>(), nn = new ArrayList<>();
            for (int i = 0; i < pos.length; i++) { table.put(f + "+" + i, pos[i]); pn.add(f + "+" + i); }
            for (int j = 0; j < neg.length; j++) { table.put(f + "-" + j, neg[j]); nn.add(f + "-" + j); }
            prompts.put(f, new Prompts.Pair(pn, nn));
        }
        var r = ZeroShot.evaluate(s, new Prompts(prompts), tableEncoder(table), 10, 1);
        for (var f : r.perFinding()) {
            int a = Findings.index(f.finding());
            assertEquals(6, f.promptPairs());
            double min = 1, max = 0;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++) {
                    float[] p = Embeddings.normalize(table.get(f.finding() + "+" + i)), n = Embeddings.normalize(table.get(f.finding() + "-" + j));
                    double[] y = new double[s.size()], sc = new double[s.size()];
                    for (int k = 0; k < s.size(); k++) {
                        y[k] = s.labels()[k][a];
                        sc[k] = Embeddings.dot(s.embeddings()[k], p) - Embeddings.dot(s.embeddings()[k], n);
                    }
                    double auc = RocAuc.auc(y, sc);
                    assertEquals(auc, f.pairAuc()[i][j], 1e-12, f.finding() + " pair " + i + "," + j);
                    min = Math.min(min, auc);
                    max = Math.max(max, auc);
                }
            assertEquals(min, f.pairAucMin(), 1e-12);
            assertEquals(max, f.pairAucMax(), 1e-12);
            assertTrue(max - min > 0.01, "the prompts differ, so do their AUCs: " + f.finding() + " " + min + ".." + max);
        }
    }

    static float[] mix(int dim, int a, float wa, int b, float wb) {
        float[] v = new float[dim];
        v[a] += wa;
        v[b] += wb;
        return v;
    }

    @Test void flippedPromptPairIsFlaggedBelowHalfWithItsInterval() {
        EmbeddedSplit s = EvalFixtures.split(120, 0.3, 7, -1);
        Map<String, Prompts.Pair> m = new LinkedHashMap<>(EvalFixtures.axisPrompts().byFinding());
        m.put("Edema", new Prompts.Pair(List.of("neg:Edema"), List.of("pos:Edema")));  // positive and negative swapped
        var r = ZeroShot.evaluate(s, new Prompts(m), EvalFixtures.axisEncoder(), 200, 3);
        for (var f : r.perFinding()) {
            if (f.finding().equals("Edema")) {
                assertTrue(f.auc() < 0.2, "flipped: " + f.auc());
                assertTrue(f.ci95High() < 0.5);
                assertEquals(List.of(ZeroShotFlag.AUC_BELOW_HALF, ZeroShotFlag.CI_BELOW_HALF), f.flags());
            } else {
                assertEquals(List.of(), f.flags(), f.finding() + " " + f.auc() + " pos " + f.nPos() + " neg " + f.nNeg());
            }
        }
    }

    @Test void flagRulesAtTheirThresholds() {
        assertEquals(List.of(), ZeroShotFlag.of(10, 10, 0.5, 0.6));
        assertEquals(List.of(ZeroShotFlag.TOO_FEW_POSITIVES), ZeroShotFlag.of(9, 500, 0.9, 0.95));
        assertEquals(List.of(ZeroShotFlag.TOO_FEW_NEGATIVES), ZeroShotFlag.of(500, 1, 0.9, 0.95));
        assertEquals(List.of(ZeroShotFlag.AUC_BELOW_HALF), ZeroShotFlag.of(50, 50, 0.45, 0.55), "interval still covers 0.5");
        assertEquals(List.of(ZeroShotFlag.NO_NEGATIVES), ZeroShotFlag.of(298, 0, Double.NaN, Double.NaN));
        assertEquals(List.of(ZeroShotFlag.NO_POSITIVES, ZeroShotFlag.NO_NEGATIVES), ZeroShotFlag.of(0, 0, Double.NaN, Double.NaN));
        assertEquals(List.of(ZeroShotFlag.TOO_FEW_POSITIVES, ZeroShotFlag.AUC_BELOW_HALF, ZeroShotFlag.CI_BELOW_HALF),
                ZeroShotFlag.of(3, 40, 0.2, 0.45));
    }

    @Test void tooFewPositivesIsFlaggedButStillScored() {
        EmbeddedSplit s = EvalFixtures.split(60, 0.3, 9, -1);
        int fx = Findings.index("Fracture");
        int kept = 0;
        for (float[] row : s.labels()) if (row[fx] == 1f && ++kept > 4) row[fx] = 0f;  // only 4 positive fractures
        var r = ZeroShot.evaluate(s, EvalFixtures.axisPrompts(), EvalFixtures.axisEncoder(), 50, 3);
        var f = r.perFinding().get(fx);
        assertEquals(4, f.nPos());
        assertEquals(56, f.nNeg());
        assertTrue(f.defined());
        assertEquals(List.of(ZeroShotFlag.TOO_FEW_POSITIVES), f.flags());
        var none = ZeroShot.evaluate(EvalFixtures.split(30, 0.3, 4, fx), EvalFixtures.axisPrompts(), EvalFixtures.axisEncoder(), 20, 3);
        assertEquals(List.of(ZeroShotFlag.NO_POSITIVES, ZeroShotFlag.NO_NEGATIVES), none.perFinding().get(fx).flags(),
                "a finding with no labelled image stays n/a and says so");
    }

    @Test void labelPolicyDecidesWhichImagesCount() {
        // Edema labels of six images: 1, 0, -1, blank, 1, -1
        float[] edema = {1f, 0f, -1f, Float.NaN, 1f, -1f};
        int e = Findings.index("Edema");
        float[][] labels = new float[6][];
        float[][] emb = new float[6][];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            labels[i] = EvalFixtures.labelsOf();
            labels[i][e] = edema[i];
            emb[i] = EvalFixtures.unit(Findings.CHEXPERT_13.size() + 2, i % 2 == 0 ? e : Findings.CHEXPERT_13.size() + 1);
            ids.add("d" + i);
        }
        var s = new EmbeddedSplit(ids, ids, emb, labels);
        int[][] expected = {  // uncertain, blank -> n_pos, n_neg
                {2, 1}, {4, 1}, {2, 3}, {2, 2}, {4, 2}, {2, 4}, {3, 1}};
        LabelPolicy[] policies = {LabelPolicy.IGNORE_BOTH, new LabelPolicy(Treatment.POSITIVE, Treatment.IGNORE),
                new LabelPolicy(Treatment.NEGATIVE, Treatment.IGNORE), new LabelPolicy(Treatment.IGNORE, Treatment.NEGATIVE),
                new LabelPolicy(Treatment.POSITIVE, Treatment.NEGATIVE), new LabelPolicy(Treatment.NEGATIVE, Treatment.NEGATIVE),
                new LabelPolicy(Treatment.IGNORE, Treatment.POSITIVE)};
        for (int k = 0; k < policies.length; k++) {
            var r = ZeroShot.evaluate(s, "validate", EvalFixtures.axisPrompts(), EvalFixtures.axisEncoder(), policies[k], 10, 1);
            var f = r.perFinding().get(e);
            assertEquals(expected[k][0], f.nPos(), policies[k].toString());
            assertEquals(expected[k][1], f.nNeg(), policies[k].toString());
            assertEquals(expected[k][0] + expected[k][1], r.scores().stream().filter(x -> x.finding().equals("Edema")).count());
            assertEquals(policies[k], r.labelPolicy());
        }
        assertEquals(1.0, s.binaryLabel(0, "Edema"));
        assertTrue(Double.isNaN(s.binaryLabel(2, "Edema")), "the default (probes) still ignores uncertain labels");
        assertTrue(Double.isNaN(s.binaryLabel(3, "Edema")));
    }

    @Test void labelPolicyParsesWordsAndRejectsOthers() {
        assertEquals(Treatment.NEGATIVE, Treatment.parse(" Negative"));
        var e = assertThrows(IllegalArgumentException.class, () -> Treatment.parse("zeros"));
        assertTrue(e.getMessage().contains("ignore, negative or positive"));
        assertThrows(IllegalArgumentException.class, () -> LabelPolicy.IGNORE_BOTH.binary(2f));
    }

    @Test void metricsJsonRecordsSpreadFlagsAndPolicy(@TempDir Path dir) throws Exception {
        EmbeddedSplit s = EvalFixtures.split(40, 0.5, 6, Findings.index("Fracture"));
        var policy = new LabelPolicy(Treatment.NEGATIVE, Treatment.IGNORE);
        var r = ZeroShot.evaluate(s, "validate", EvalFixtures.axisPrompts(), EvalFixtures.axisEncoder(), policy, 20, 3);
        ZeroShot.write(r, dir);
        var json = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertEquals("validate", json.get("split").asText());
        assertEquals("negative", json.get("label_policy").get("uncertain").asText());
        assertEquals("ignore", json.get("label_policy").get("blank").asText());
        assertEquals(10, json.get("min_class_count").asInt());
        var at = json.get("per_finding").get("Atelectasis");
        var atr = r.perFinding().get(0);
        assertEquals(1, at.get("n_prompt_pairs").asInt());
        assertEquals(atr.auc(), at.get("single_pair_auc_min").asDouble(), 1e-12, "one pair: its AUC is the ensemble's");
        assertEquals(atr.auc(), at.get("single_pair_auc_max").asDouble(), 1e-12);
        assertEquals(atr.auc(), at.get("single_pair_aucs").get(0).get(0).asDouble(), 1e-12);
        assertEquals(0, at.get("flags").size());
        var fx = json.get("per_finding").get("Fracture");
        assertTrue(fx.get("single_pair_auc_min").isNull());
        assertEquals("no_positives", fx.get("flags").get(0).asText());
        assertEquals("no_negatives", fx.get("flags").get(1).asText());
        assertTrue(json.get("flag_meanings").get("auc_below_0.5").asText().contains("flipped"));
    }

    @Test void shippedPromptsAreEnsemblesOfAtLeastThreeEachWithoutOverlap() {
        var p = Prompts.defaults();
        for (String f : Findings.CHEXPERT_13) {
            var pair = p.byFinding().get(f);
            assertTrue(pair.positive().size() >= 3, f + " positives " + pair.positive());
            assertTrue(pair.negative().size() >= 3, f + " negatives " + pair.negative());
            assertEquals(pair.positive().size(), pair.positive().stream().distinct().count(), f);
            assertEquals(pair.negative().size(), pair.negative().stream().distinct().count(), f);
            for (String t : pair.positive()) assertFalse(pair.negative().contains(t), f + ": '" + t + "' on both sides");
        }
    }
}
