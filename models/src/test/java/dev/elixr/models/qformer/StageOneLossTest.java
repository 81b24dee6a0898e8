package dev.elixr.models.qformer;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The summed stage-1 objective trains a tiny Q-Former on a toy pairing, reproducibly, and reaches every parameter. */
class StageOneLossTest {
    static final QFormerConfig CONFIG = new QFormerConfig(
            new QFormerConfig.Transformer(16, 2, 2, 32, 1e-12f, 0.1f, Activation.GELU),
            new QFormerConfig.Queries(4, 2, 6), new QFormerConfig.Text(12, 8, 0, 11), 8);
    /** Four images, each a few tokens around its own centre, and four texts of distinct words, some padded. */
    static final Tensor IMAGES = images();
    static final TextBatch TEXTS = new TextBatch(
            new int[] {1, 3, 4, 0, 1, 5, 6, 7, 1, 8, 9, 0, 1, 10, 4, 6},
            new int[] {1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1}, 4, 4);

    static Tensor images() {
        SplittableRandom rng = new SplittableRandom(5);
        float[] v = new float[4 * 3 * 6];
        for (int b = 0; b < 4; b++)
            for (int t = 0; t < 3; t++)
                for (int c = 0; c < 6; c++) v[(b * 3 + t) * 6 + c] = (c == b ? 2f : 0f) + (float) (rng.nextGaussian() * 0.3);
        return Tensor.of(v, 4, 3, 6);
    }

    static float[] train(int steps, long seed) {
        QFormer m = QFormer.create(CONFIG, new SplittableRandom(seed));
        m.train();
        AdamW opt = new AdamW(m.parameters(), 2e-3, 0.0);
        SplittableRandom negatives = new SplittableRandom(seed + 1);
        float[] losses = new float[steps];
        for (int s = 0; s < steps; s++) {
            m.zeroGrad();
            var terms = StageOneLoss.compute(m, Var.of(IMAGES), TEXTS, null, ItcLoss.Duplicates.MASK, negatives);
            terms.total().backward();
            opt.step();
            losses[s] = terms.total().item();
        }
        return losses;
    }

    @Test
    void summedLossFallsByAFifthWithinFortyAdamWStepsAndIsReproducible() {
        float[] a = train(40, 3);
        float first = a[0], last = (a[37] + a[38] + a[39]) / 3;
        System.out.printf("stage-1 loss %.4f -> %.4f over 40 steps%n", first, last);
        assertTrue(last < 0.8f * first, "stage-1 loss " + first + " -> " + last);
        assertArrayEquals(a, train(40, 3), "same seed, same losses");
    }

    @Test
    void everyParameterGetsAFiniteGradient() {
        QFormer m = QFormer.create(CONFIG, new SplittableRandom(1));
        m.train();
        var terms = StageOneLoss.compute(m, Var.of(IMAGES), TEXTS, new long[] {1, 2, 1, 3}, ItcLoss.Duplicates.POSITIVE,
                new SplittableRandom(2));
        assertEquals(terms.itc().item() + terms.itm().item() + terms.itg().item(), terms.total().item(), 1e-5f);
        terms.total().backward();
        for (var e : m.namedParameters().entrySet()) {
            assertNotNull(e.getValue().grad(), () -> "no gradient for " + e.getKey());
            for (float v : e.getValue().grad().contiguous().toFloatArray()) assertTrue(Float.isFinite(v), e.getKey());
        }
    }
}
