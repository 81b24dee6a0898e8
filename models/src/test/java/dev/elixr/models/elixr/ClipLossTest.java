package dev.elixr.models.elixr;

import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.Var;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ClipLossTest {
    /** The CLIP loss written out by hand in double precision. */
    static double handLoss(double[][] u, double[][] v, double scale) {
        int b = u.length;
        double[][] z = new double[b][b];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < b; j++) {
                double d = 0;
                for (int k = 0; k < u[i].length; k++) d += u[i][k] * v[j][k];
                z[i][j] = scale * d;
            }
        double rows = 0, cols = 0;
        for (int i = 0; i < b; i++) {
            double sr = 0, sc = 0;
            for (int j = 0; j < b; j++) { sr += Math.exp(z[i][j]); sc += Math.exp(z[j][i]); }
            rows += Math.log(sr) - z[i][i];
            cols += Math.log(sc) - z[i][i];
        }
        return (rows / b + cols / b) / 2;
    }

    static double[][] randomUnitRows(int b, int e, SplittableRandom r) {
        double[][] m = new double[b][e];
        for (double[] row : m) {
            double n = 0;
            for (int k = 0; k < e; k++) { row[k] = r.nextGaussian(); n += row[k] * row[k]; }
            for (int k = 0; k < e; k++) row[k] /= Math.sqrt(n);
        }
        return m;
    }

    static Var var(double[][] m) {
        float[] f = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) for (int k = 0; k < m[0].length; k++) f[i * m[0].length + k] = (float) m[i][k];
        return Var.param(Tensor.wrap(f, m.length, m[0].length));
    }

    @ParameterizedTest @ValueSource(ints = {1, 2, 3, 4, 5})
    void matchesTheHandComputationAtTemperature007(int seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int b = 2 + r.nextInt(6), e = 2 + r.nextInt(8);
        double[][] u = randomUnitRows(b, e, r), v = randomUnitRows(b, e, r);
        Var logScale = Var.param(Tensor.scalar(ClipLoss.INIT_LOG_SCALE));
        double got = ClipLoss.loss(var(u), var(v), logScale, ClipLoss.MAX_SCALE).item();
        assertEquals(handLoss(u, v, 1 / 0.07), got, 2e-4 * Math.max(1, Math.abs(got)));
    }

    @Test void twoByTwoExample() {
        // u = v = identity: logits = s I; loss = log(e^s + 1) - s in both directions
        double[][] id = {{1, 0}, {0, 1}};
        Var logScale = Var.param(Tensor.scalar((float) Math.log(10)));
        double got = ClipLoss.loss(var(id), var(id), logScale, 100f).item();
        assertEquals(Math.log(Math.exp(10) + 1) - 10, got, 1e-6);
    }

    @Test void temperatureIsClampedAndTheClampStopsItsGradient() {
        double[][] u = randomUnitRows(4, 3, new SplittableRandom(9)), v = randomUnitRows(4, 3, new SplittableRandom(10));
        Var logScale = Var.param(Tensor.scalar((float) Math.log(1000)));
        Var loss = ClipLoss.loss(var(u), var(v), logScale, 100f);
        assertEquals(handLoss(u, v, 100), loss.item(), 2e-3);
        loss.backward();
        assertEquals(0f, logScale.grad().item(), 0f);
    }

    @Test void gradientOfTheLogScaleMatchesFiniteDifferences() {
        double[][] u = randomUnitRows(5, 4, new SplittableRandom(11)), v = randomUnitRows(5, 4, new SplittableRandom(12));
        double s0 = Math.log(1 / 0.07), h = 1e-4;
        Var logScale = Var.param(Tensor.scalar((float) s0));
        ClipLoss.loss(var(u), var(v), logScale, 100f).backward();
        double fd = (handLoss(u, v, Math.exp(s0 + h)) - handLoss(u, v, Math.exp(s0 - h))) / (2 * h);
        assertEquals(fd, logScale.grad().item(), 1e-3);
    }

    @Test void shapesAreChecked() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClipLoss.loss(Var.of(Tensor.zeros(3, 4)), Var.of(Tensor.zeros(2, 4)),
                Var.of(Tensor.scalar(1f)), 100f));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[2, 4]"), e.getMessage());
    }

    @Test void elixrCEmbeddingsAreUnitNormAndTemperatureStartsAt007() {
        ElixrCConfig c = new ElixrCConfig(new ElixrCConfig.Image("conv", ImagePreprocessing.standard(32), new int[] {4, 8}, 1, 16),
            ElixrCConfig.Text.bertSmall(50, 16, 1, 2, 32, 16), 8, new ElixrCConfig.Temperature(0.07f, 0.01f));
        ElixrC m = new ElixrC(c, new SplitMix64(1));
        assertEquals(0.07, m.temperature(), 1e-6);
        Var img = m.embedImages(Var.of(Tensor.randn(1L, 3, 1, 32, 32)));
        Var txt = m.embedTexts(new TokenBatch(new int[] {2, 5, 3, 0, 2, 7, 8, 3}, new int[] {1, 1, 1, 0, 1, 1, 1, 1}, 2, 4));
        assertArrayEquals(new int[] {3, 8}, img.shape());
        assertArrayEquals(new int[] {2, 8}, txt.shape());
        float[] f = img.value().contiguous().toFloatArray();
        for (int i = 0; i < 3; i++) {
            double n = 0;
            for (int k = 0; k < 8; k++) n += f[i * 8 + k] * f[i * 8 + k];
            assertEquals(1.0, n, 1e-5);
        }
        assertTrue(m.namedParameters().containsKey("logit_scale"));
        assertTrue(m.namedParameters().containsKey("text_encoder.bert.encoder.layer.0.attention.self.query.weight"),
                m.namedParameters().keySet().toString());
    }
}
