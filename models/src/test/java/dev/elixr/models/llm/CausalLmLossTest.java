package dev.elixr.models.llm;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.check.GradCheck;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.elixr.models.llm.CausalLmLoss.IGNORE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hugging Face's shifted causal-LM loss with ignored labels, checked by hand in double and by finite differences. */
class CausalLmLossTest {
    private static final int B = 2, T = 4, V = 5;
    private static final int[] LABELS = {3, 1, IGNORE, 4, IGNORE, 0, 2, IGNORE};

    @Test
    void lossIsTheMeanNegativeLogSoftmaxOverTheCountedNextLabelsOnly() {
        Tensor logits = Tensor.randn(3, B, T, V);
        float[] x = logits.toFloatArray();
        double sum = 0;
        int n = 0;
        for (int b = 0; b < B; b++) {
            for (int t = 0; t + 1 < T; t++) {
                int label = LABELS[b * T + t + 1];
                if (label == IGNORE) continue;
                int row = (b * T + t) * V;
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (int c = 0; c < V; c++) max = Math.max(max, x[row + c]);
                for (int c = 0; c < V; c++) z += Math.exp(x[row + c] - max);
                sum += -(x[row + label] - max - Math.log(z));
                n++;
            }
        }
        assertEquals(4, n);
        assertEquals(n, CausalLmLoss.counted(LABELS, T));
        assertEquals(sum / n, CausalLmLoss.of(Var.of(logits), LABELS).item(), 1e-5);
    }

    @Test
    void positionsWhoseNextLabelIsIgnoredAndEachRowsLastPositionGetZeroGradient() {
        Var logits = Var.param(Tensor.randn(4, B, T, V));
        CausalLmLoss.of(logits, LABELS).backward();
        float[] g = logits.grad().toFloatArray();
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                boolean counted = t + 1 < T && LABELS[b * T + t + 1] != IGNORE;
                double norm = 0;
                for (int c = 0; c < V; c++) norm += Math.abs(g[(b * T + t) * V + c]);
                if (counted) assertTrue(norm > 1e-4, "row " + b + " position " + t + " should have a gradient");
                else assertEquals(0.0, norm, 0.0, "row " + b + " position " + t + " is not counted");
            }
        }
    }

    @Test
    void theHeadAtTheCountedPositionsOnlyGivesTheSameLossAndHiddenGradient() {
        Tensor w = Tensor.randn(8, V, 3);
        java.util.function.UnaryOperator<Var> head = h -> dev.elixr.autograd.Functional.linear(h, Var.of(w), null);
        Var all = Var.param(Tensor.randn(9, B, T, 3)), counted = Var.param(all.value().copy());
        Var full = CausalLmLoss.of(head.apply(all), LABELS), few = CausalLmLoss.ofCounted(counted, LABELS, head);
        assertEquals(full.item(), few.item(), 1e-6);
        full.backward();
        few.backward();
        float[] g = all.grad().toFloatArray(), h = counted.grad().toFloatArray();
        for (int i = 0; i < g.length; i++) assertEquals(g[i], h[i], 1e-6, "hidden gradient " + i);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        GradCheck.check(v -> CausalLmLoss.of(v[0], LABELS), 5, GradCheck.grid(Tensor.randn(6, B, T, V)));
    }

    @Test
    void labelsKeepTheCountedIdsAndIgnoreTheRest() {
        int[] l = CausalLmLoss.labels(new int[] {7, 8, 9}, new boolean[] {false, true, false});
        assertEquals(IGNORE, l[0]);
        assertEquals(8, l[1]);
        assertEquals(IGNORE, l[2]);
    }

    @Test
    void labelsOutsideTheVocabularyAndMisshapenInputsAreRefusedWithTheirPosition() {
        Var logits = Var.of(Tensor.randn(1, B, T, V));
        var e = assertThrows(IllegalArgumentException.class, () -> CausalLmLoss.of(logits, new int[] {0, 1, 2, 3, 0, 5, 1, 1}));
        assertTrue(e.getMessage().contains("label 5 at row 1, position 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CausalLmLoss.of(logits, new int[3]));
        assertThrows(IllegalArgumentException.class, () -> CausalLmLoss.of(Var.of(Tensor.randn(1, 8, V)), new int[8]));
    }
}
