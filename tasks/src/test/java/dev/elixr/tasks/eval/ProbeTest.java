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

    /** Newton's method as first written (one loop over features and bias, a feature-or-bias test per term): the reference. */
    static double[] fitOneReference(double[][] x, double[][] y, int f, double lambda, int iterations) {
        int d = x[0].length, p = d + 1;
        double[] w = new double[p];
        for (int it = 0; it < iterations; it++) {
            double[] g = new double[p];
            double[][] h = new double[p][p];
            for (int i = 0; i < x.length; i++) {
                double yi = y[i][f];
                if (Double.isNaN(yi)) continue;
                double mu = LogisticProbe.sigmoid(LogisticProbe.linear(w, x[i]));
                double r = mu - yi, s = Math.max(mu * (1 - mu), 1e-10);
                for (int a = 0; a < p; a++) {
                    double xa = a < d ? x[i][a] : 1;
                    g[a] += r * xa;
                    double sxa = s * xa;
                    for (int b = 0; b <= a; b++) h[a][b] += sxa * (b < d ? x[i][b] : 1);
                }
            }
            for (int a = 0; a < d; a++) { g[a] += lambda * w[a]; h[a][a] += lambda; }
            h[d][d] += 1e-8;
            for (int a = 0; a < p; a++) for (int b = 0; b < a; b++) h[b][a] = h[a][b];
            double[] step = Cholesky.solve(h, g);
            double max = 0;
            for (int a = 0; a < p; a++) { w[a] -= step[a]; max = Math.max(max, Math.abs(step[a])); }
            if (max < 1e-8) break;
        }
        return w;
    }

    @Test void newtonStepsGiveTheBitsOfTheReference() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(8);
        int n = 300, d = 13;
        double[][] x = new double[n][d], y = new double[n][1];
        for (int i = 0; i < n; i++) {
            double z = 0;
            for (int a = 0; a < d; a++) z += (x[i][a] = r.nextGaussian()) * (a % 3 - 1);
            y[i][0] = i % 17 == 0 ? Double.NaN : r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
        }
        assertArrayEquals(fitOneReference(x, y, 0, 0.5, 50), new LogisticProbe(0.5, 50).fitOne(x, y, 0));
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
