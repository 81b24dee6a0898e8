package dev.elixr.models.text;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.check.GradCheck;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link WordMeanPooling}: the mean over the words only (no [CLS], [SEP] or padding), by hand and against finite differences. */
class WordMeanPoolingTest {
    /** Row 0: [CLS] w w [SEP] pad; row 1: [CLS] w w w [SEP]; row 2: [CLS] [SEP] pad pad pad (no words: the frame is pooled). */
    static final int[] MASK = {1, 1, 1, 1, 0, /**/ 1, 1, 1, 1, 1, /**/ 1, 1, 0, 0, 0};

    @Test
    void meanOfTheWordStatesOnlyAndOfTheFrameWhenThereAreNoWords() {
        float[] h = new float[3 * 5 * 2];
        for (int i = 0; i < h.length; i++) h[i] = i * i % 17 - 8;
        Var out = WordMeanPooling.pool(Var.of(Tensor.of(h, 3, 5, 2)), MASK, 3, 5);
        assertEquals(3, out.size(0));
        assertEquals(2, out.size(1));
        for (int d = 0; d < 2; d++) {
            assertEquals((h[(1) * 2 + d] + h[(2) * 2 + d]) / 2, out.value().get(0, d), 1e-6, "row 0: tokens 1 and 2");
            assertEquals((h[(5 + 1) * 2 + d] + h[(5 + 2) * 2 + d] + h[(5 + 3) * 2 + d]) / 3, out.value().get(1, d), 1e-6, "row 1: tokens 1-3");
            assertEquals((h[(10) * 2 + d] + h[(11) * 2 + d]) / 2, out.value().get(2, d), 1e-6, "row 2: [CLS] and [SEP]");
        }
    }

    @Test
    void passesGradCheck() {
        GradCheck.check(v -> WordMeanPooling.pool(v[0], MASK, 3, 5).mul(v[1]).sumAll(), 11,
                GradCheck.grid(Tensor.randn(1, 3, 5, 4)), GradCheck.grid(Tensor.randn(2, 3, 4)));
    }

    @Test
    void aMaskOfTheWrongSizeIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> WordMeanPooling.pool(Var.of(Tensor.zeros(3, 5, 2)), new int[14], 3, 5));
        assertTrue(e.getMessage().contains("14 entries for 3 texts of 5 tokens"), e.getMessage());
    }
}
