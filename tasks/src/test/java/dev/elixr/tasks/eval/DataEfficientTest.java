package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class DataEfficientTest {
    static DataEfficient.FeatureSource frozen(String name, EmbeddedSplit train, EmbeddedSplit test) {
        return new DataEfficient.FeatureSource() {
            @Override public String name() { return name; }
            @Override public DataEfficient.Features features(int[] subset, long seed) {
                float[][] x = Arrays.stream(subset).mapToObj(i -> train.embeddings()[i]).toArray(float[][]::new);
                return new DataEfficient.Features(x, test.embeddings());
            }
        };
    }

    @Test void subsetsAreWholePatientsSeededAndSized() {
        EmbeddedSplit s = EvalFixtures.split(200, 0.3, 5, -1);
        int[] labelled = DataEfficient.labelledImages(s, Findings.DATA_EFFICIENT_5);
        int[] a = DataEfficient.samplePatients(s, labelled, 0.1, 9), b = DataEfficient.samplePatients(s, labelled, 0.1, 9);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, DataEfficient.samplePatients(s, labelled, 0.1, 10)));
        assertEquals(20, a.length); // patients have 2 images each: 10 patients
        Set<String> patients = new HashSet<>();
        for (int i : a) patients.add(s.patients().get(i));
        for (int i = 0; i < s.size(); i++)
            if (patients.contains(s.patients().get(i))) assertTrue(Arrays.binarySearch(a, i) >= 0, "whole patient " + i);
    }

    @Test void informativeFeaturesBeatNoiseAndResultsAreWritten(@TempDir Path dir) throws Exception {
        EmbeddedSplit train = EvalFixtures.split(300, 0.4, 6, -1), test = EvalFixtures.split(200, 0.4, 7, -1);
        EmbeddedSplit noise = EvalFixtures.split(300, 50, 8, -1), noiseTest = EvalFixtures.split(200, 50, 9, -1);
        var cfg = new DataEfficient.Config(Findings.DATA_EFFICIENT_5, new double[] {0.1, 1.0}, 3, 42);
        var r = DataEfficient.evaluate(train, test,
                List.of(frozen("ours", train, test), frozen("noise", noise, noiseTest)), List.of(new LogisticProbe()), cfg, null);
        // 2 sources x (3 repeats at 10% + 1 at 100%) x 5 findings
        assertEquals(2 * 4 * 5, r.runs().size());
        double ours = r.summary("ours", "logistic", 0.1).meanAuc(), bad = r.summary("noise", "logistic", 0.1).meanAuc();
        assertTrue(ours > 0.85, "ours " + ours);
        assertTrue(bad < 0.65, "noise " + bad);
        assertTrue(r.summary("ours", "logistic", 1.0).meanAuc() >= ours - 0.02);
        assertEquals(0.0, r.summary("ours", "logistic", 1.0).sdAuc());
        DataEfficient.write(r, dir);
        var json = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertEquals(ours, json.at("/results/ours/logistic/0.1/mean_auc").asDouble(), 1e-15);
        assertTrue(json.at("/results/noise/logistic/1.0/per_finding/Edema/auc").isNumber());
    }

    @Test void fitsRunSideBySideListTheSameRunsAndScoresInTheSameOrderAsOneThreadDoes() {
        EmbeddedSplit train = EvalFixtures.split(300, 0.4, 6, -1), test = EvalFixtures.split(200, 0.4, 7, -1);
        EmbeddedSplit noise = EvalFixtures.split(300, 50, 8, -1), noiseTest = EvalFixtures.split(200, 50, 9, -1);
        var cfg = new DataEfficient.Config(Findings.DATA_EFFICIENT_5, new double[] {0.1, 1.0}, 3, 42);
        var sources = List.of(frozen("ours", train, test), frozen("noise", noise, noiseTest));
        int threads = dev.elixr.tensor.Parallel.threads();
        try {
            dev.elixr.tensor.Parallel.setThreads(1);
            var one = DataEfficient.evaluate(train, test, sources, List.of(new LogisticProbe()), cfg, null);
            dev.elixr.tensor.Parallel.setThreads(2);
            java.util.Set<Integer> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();
            var two = DataEfficient.evaluate(train, test, sources, List.of(new LogisticProbe()), cfg, (d, t, what) -> reported.add(d));
            assertEquals(one.runs(), two.runs(), "runs");
            assertEquals(one.scores(), two.scores(), "scores");
            // 2 sources x (3 subsets at 10% + 1 at 100%): each fit reported once, counted 1 … 8 across the threads
            assertEquals(java.util.stream.IntStream.rangeClosed(1, 8).boxed().collect(java.util.stream.Collectors.toSet()), reported, "fits reported");
        } finally {
            dev.elixr.tensor.Parallel.setThreads(threads);
        }
    }

    @Test void aLabelPolicyTurnsUncertainAndBlankLabelsIntoWhatTheProbesFitAndAreScoredOn() {
        var labels = new float[][] {new float[Findings.CHEXPERT_13.size()]};
        Arrays.fill(labels[0], Float.NaN);
        int edema = Findings.index("Edema"), effusion = Findings.index("Pleural Effusion"), atelectasis = Findings.index("Atelectasis");
        labels[0][edema] = -1f;
        labels[0][effusion] = 1f;
        labels[0][atelectasis] = 0f;
        var s = new EmbeddedSplit(List.of("d"), List.of("p"), new float[][] {{1f}}, labels);
        var policy = new dev.elixr.tasks.data.LabelPolicy(dev.elixr.tasks.data.LabelPolicy.Treatment.POSITIVE,
                dev.elixr.tasks.data.LabelPolicy.Treatment.NEGATIVE);
        var mapped = s.withLabelPolicy(policy);
        assertEquals(1.0, mapped.binaryLabel(0, "Edema"), "uncertain counted positive");
        assertEquals(0.0, mapped.binaryLabel(0, "Pneumonia"), "blank counted negative");
        assertEquals(1.0, mapped.binaryLabel(0, "Pleural Effusion"));
        assertEquals(0.0, mapped.binaryLabel(0, "Atelectasis"));
        assertTrue(Double.isNaN(s.withLabelPolicy(dev.elixr.tasks.data.LabelPolicy.IGNORE_BOTH).binaryLabel(0, "Edema")), "ignored: left out");
        assertEquals(1, DataEfficient.labelledImages(s.withLabelPolicy(dev.elixr.tasks.data.LabelPolicy.IGNORE_BOTH), List.of("Edema", "Pleural Effusion")).length);
        assertEquals(0, DataEfficient.labelledImages(s.withLabelPolicy(dev.elixr.tasks.data.LabelPolicy.IGNORE_BOTH), List.of("Edema")).length,
                "an image uncertain for every probed finding is not labelled under ignore");
    }
}
