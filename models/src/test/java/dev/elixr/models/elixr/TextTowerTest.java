package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.LengthGroups;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.models.text.WordMeanPooling;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TextTower}: texts encoded in length groups give the one padded batch's features and gradients. */
class TextTowerTest {
    static final BertConfig BERT = new BertConfig(30, 16, 2, 2, 32, 40, 2, 1e-12f, 0f, 0, false, new int[0], 16, Activation.GELU);

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void lengthGroupsGiveThePaddedBatchsFeaturesAndParameterGradients(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 12, t = 36;
        int[] ids = new int[n * t], mask = new int[n * t];
        for (int b = 0; b < n; b++) {
            int len = 2 + (b % 3 == 0 ? r.nextInt(t - 1) : r.nextInt(6));
            for (int i = 0; i < len; i++) { ids[b * t + i] = 1 + r.nextInt(29); mask[b * t + i] = 1; }
        }
        TokenBatch tokens = new TokenBatch(ids, mask, n, t);
        assertTrue(LengthGroups.of(tokens, 8).count() > 1, "the batch splits into groups");
        Tensor weights = Tensor.randn(seed, n, 16);
        TextTower tower = new TextTower(BERT, new SplittableRandom(seed));
        float[] padded = run(tower, tokens, -1, weights);
        float[][] paddedGrads = grads(tower);
        float[] grouped = run(tower, tokens, 8, weights);
        float[][] groupedGrads = grads(tower);
        assertClose(padded, grouped, "features");
        for (int p = 0; p < paddedGrads.length; p++) assertClose(paddedGrads[p], groupedGrads[p], "gradient of parameter " + p);
    }

    static float[] run(TextTower tower, TokenBatch tokens, int groupCost, Tensor weights) {
        tower.parameters().forEach(Var::zeroGrad);
        Var f = groupCost < 0  // the one padded batch, encoded and pooled directly
                ? WordMeanPooling.pool(tower.bert().encode(tokens.ids(), tokens.mask(), null, tokens.batch(), tokens.length()).lastHiddenState(),
                        tokens.mask(), tokens.batch(), tokens.length())
                : tower.features(tokens, groupCost);
        f.mul(Var.of(weights)).sumAll().backward();
        return f.value().contiguous().toFloatArray();
    }

    static float[][] grads(TextTower tower) {
        return tower.parameters().stream().map(p -> p.grad() == null ? new float[0] : p.grad().contiguous().toFloatArray()).toArray(float[][]::new);
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        // relative to the largest entry, at least 1e-4 (a key bias's gradient is zero up to rounding: softmax ignores shifts)
        double scale = Math.max(1e-4, Arrays.stream(toDouble(expected)).map(Math::abs).max().orElse(0));
        for (int i = 0; i < expected.length; i++)
            assertEquals(expected[i], actual[i], 1e-4 * scale, what + " [" + i + "]");
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
