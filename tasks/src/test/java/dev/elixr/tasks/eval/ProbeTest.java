package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ProbeTest {
    static List<JsonNode> cases() throws IOException {
        try (var in = ProbeTest.class.getResourceAsStream("/eval/probe-fixture.json")) {
            List<JsonNode> out = new ArrayList<>();
            new ObjectMapper().readTree(in).get("cases").forEach(out::add);
            return out;
        }
    }

    static float[][] matrix(JsonNode n) {
        float[][] m = new float[n.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new float[n.get(i).size()];
            for (int j = 0; j < m[i].length; j++) m[i][j] = (float) n.get(i).get(j).asDouble();
        }
        return m;
    }

    @ParameterizedTest @MethodSource("cases")
    void logisticProbeMatchesSklearn(JsonNode c) {
        double[][] y = new double[c.get("y").size()][1];
        for (int i = 0; i < y.length; i++) y[i][0] = c.get("y").get(i).asDouble();
        double[][] p = new LogisticProbe().fitPredict(matrix(c.get("x")), y, matrix(c.get("test")), 0);
        for (int i = 0; i < p.length; i++) assertEquals(c.get("p").get(i).asDouble(), p[i][0], 2e-5, "row " + i);
    }

    @Test void unlabelledRowsAreIgnoredAndOneClassGivesAConstant() {
        float[][] x = {{0}, {1}, {2}, {3}};
        double[][] y = {{0, 1}, {Double.NaN, 1}, {1, 1}, {1, Double.NaN}};
        double[][] p = new LogisticProbe().fitPredict(x, y, x, 0);
        assertTrue(p[3][0] > p[0][0]);
        for (double[] row : p) assertEquals(p[0][1], row[1], 0.0);
        assertTrue(p[0][1] > 0.99);
    }
}
