package dev.elixr.tasks.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Holds RocAuc, Ndcg, PrecisionAtK and Bootstrap equal to scikit-learn / numpy on the committed fixture
 *  (src/test/resources/metrics/make_fixture.py): ties, heavy ties, continuous scores. */
class MetricsAgainstSklearnTest {
    static List<JsonNode> cases() throws IOException {
        try (InputStream in = MetricsAgainstSklearnTest.class.getResourceAsStream("/metrics/metrics-fixture.json")) {
            List<JsonNode> out = new ArrayList<>();
            new ObjectMapper().readTree(in).get("cases").forEach(out::add);
            return out;
        }
    }

    static double[] doubles(JsonNode n) {
        double[] d = new double[n.size()];
        for (int i = 0; i < d.length; i++) d[i] = n.get(i).asDouble();
        return d;
    }

    @ParameterizedTest @MethodSource("cases")
    void rocAucMatchesSklearn(JsonNode c) {
        assertEquals(c.get("auc").asDouble(), RocAuc.auc(doubles(c.get("labels")), doubles(c.get("scores"))), 1e-12);
    }

    @ParameterizedTest @MethodSource("cases")
    void rocCurveMatchesSklearn(JsonNode c) {
        double[][] curve = RocAuc.curve(doubles(c.get("labels")), doubles(c.get("scores")));
        assertArrayEquals(doubles(c.get("fpr")), curve[0], 1e-12);
        assertArrayEquals(doubles(c.get("tpr")), curve[1], 1e-12);
    }

    @ParameterizedTest @MethodSource("cases")
    void ndcgMatchesSklearn(JsonNode c) {
        assertEquals(c.get("ndcg").asDouble(),
                Ndcg.atK(doubles(c.get("relevance")), doubles(c.get("scores")), c.get("k").asInt()), 1e-12);
    }

    @ParameterizedTest @MethodSource("cases")
    void precisionMatchesSklearn(JsonNode c) {
        assertEquals(c.get("precision").asDouble(),
                PrecisionAtK.atK(doubles(c.get("relevance")), doubles(c.get("scores")), c.get("k").asInt()), 1e-12);
    }

    @ParameterizedTest @MethodSource("cases")
    void bootstrapPercentileMatchesNumpy(JsonNode c) {
        JsonNode r = c.get("resamples");
        int[][] idx = new int[r.size()][];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = new int[r.get(i).size()];
            for (int j = 0; j < idx[i].length; j++) idx[i][j] = r.get(i).get(j).asInt();
        }
        var ci = Bootstrap.percentile(doubles(c.get("labels")), doubles(c.get("scores")), RocAuc::auc, idx, 0.05);
        assertEquals(c.get("ci_low").asDouble(), ci.low(), 1e-12);
        assertEquals(c.get("ci_high").asDouble(), ci.high(), 1e-12);
    }
}
