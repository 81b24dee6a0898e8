package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static dev.elixr.models.elixr.ClipLossTest.randomUnitRows;
import static dev.elixr.models.elixr.ClipLossTest.var;
import static org.junit.jupiter.api.Assertions.*;

/** The duplicate-aware CLIP loss with a queue of negatives against the same loss written out in double precision. */
class DuplicateAwareClipLossTest {
    /** One direction: rows a [B,E] against bank [N,E] (the batch's other side, then the queue). */
    static double handDirection(double[][] a, double[][] bank, long[] groups, long[] bankGroups, double scale, DuplicatePolicy p) {
        int b = a.length, n = bank.length;
        double total = 0;
        for (int i = 0; i < b; i++) {
            double[] z = new double[n];
            double denominator = 0;
            int positives = 0;
            for (int j = 0; j < n; j++) {
                double d = 0;
                for (int k = 0; k < a[i].length; k++) d += a[i][k] * bank[j][k];
                z[j] = scale * d;
                boolean duplicate = j != i && groups[i] == bankGroups[j];
                if (p == DuplicatePolicy.MASK && duplicate) continue;
                denominator += Math.exp(z[j]);
                if (j == i || (p == DuplicatePolicy.POSITIVE && duplicate)) positives++;
            }
            double loss = 0;
            for (int j = 0; j < n; j++) {
                boolean duplicate = j != i && groups[i] == bankGroups[j];
                if (j == i || (p == DuplicatePolicy.POSITIVE && duplicate)) loss += (Math.log(denominator) - z[j]) / positives;
            }
            total += loss;
        }
        return total / b;
    }

    static double hand(double[][] u, double[][] v, double[][] qu, double[][] qv, long[] g, long[] qg, double scale, DuplicatePolicy p) {
        double[][] textBank = stack(v, qv), imageBank = stack(u, qu);
        long[] bankGroups = new long[g.length + qg.length];
        System.arraycopy(g, 0, bankGroups, 0, g.length);
        System.arraycopy(qg, 0, bankGroups, g.length, qg.length);
        return (handDirection(u, textBank, g, bankGroups, scale, p) + handDirection(v, imageBank, g, bankGroups, scale, p)) / 2;
    }

    static double[][] stack(double[][] a, double[][] b) {
        double[][] out = new double[a.length + b.length][];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Tensor tensor(double[][] m) {
        return var(m).value();
    }

    /** A batch of 6 where pairs 0, 2 and 5 share a report and 1, 4 share another; the queue holds 4 entries. */
    @ParameterizedTest @EnumSource(DuplicatePolicy.class)
    void batchWithDuplicateReportsAndAQueueMatchesTheHandComputation(DuplicatePolicy policy) {
        SplittableRandom r = new SplittableRandom(3);
        double[][] u = randomUnitRows(6, 5, r), v = randomUnitRows(6, 5, r), qu = randomUnitRows(4, 5, r), qv = randomUnitRows(4, 5, r);
        long[] groups = {7, 9, 7, 11, 9, 7}, queueGroups = {9, 13, 7, 15};
        NegativeQueue queue = new NegativeQueue(8, 5);
        queue.enqueue(tensor(qu), tensor(qv), queueGroups);
        Var logScale = Var.param(Tensor.scalar(ClipLoss.INIT_LOG_SCALE));
        double got = ClipLoss.loss(var(u), var(v), logScale, 100f, groups, policy, queue).item();
        double want = hand(u, v, qu, qv, groups, queueGroups, 1 / 0.07, policy);
        assertEquals(want, got, 2e-4 * Math.max(1, want));
    }

    @Test void maskingChangesTheLossOnlyWhenThereAreDuplicates() {
        SplittableRandom r = new SplittableRandom(4);
        double[][] u = randomUnitRows(4, 3, r), v = randomUnitRows(4, 3, r);
        Var s = Var.param(Tensor.scalar(ClipLoss.INIT_LOG_SCALE));
        double plain = ClipLoss.loss(var(u), var(v), s, 100f).item();
        assertEquals(plain, ClipLoss.loss(var(u), var(v), s, 100f, new long[] {1, 2, 3, 4}, DuplicatePolicy.MASK, null).item(), 1e-6);
        double masked = ClipLoss.loss(var(u), var(v), s, 100f, new long[] {1, 1, 3, 4}, DuplicatePolicy.MASK, null).item();
        assertTrue(masked < plain, "removing a negative lowers the loss: " + masked + " vs " + plain);
        assertEquals(hand(u, v, new double[0][], new double[0][], new long[] {1, 1, 3, 4}, new long[0], 1 / 0.07, DuplicatePolicy.MASK),
                masked, 2e-4);
    }

    @ParameterizedTest @EnumSource(value = DuplicatePolicy.class, names = {"MASK", "POSITIVE"})
    void gradientsMatchFiniteDifferencesOfTheHandLoss(DuplicatePolicy policy) {
        SplittableRandom r = new SplittableRandom(5);
        double[][] u = randomUnitRows(4, 3, r), v = randomUnitRows(4, 3, r), qu = randomUnitRows(2, 3, r), qv = randomUnitRows(2, 3, r);
        long[] g = {1, 2, 1, 3}, qg = {2, 5};
        NegativeQueue queue = new NegativeQueue(2, 3);
        queue.enqueue(tensor(qu), tensor(qv), qg);
        Var uu = var(u), vv = var(v);
        ClipLoss.loss(uu, vv, Var.of(Tensor.scalar((float) Math.log(5))), 100f, g, policy, queue).backward();
        float[] grad = uu.grad().contiguous().toFloatArray();
        double h = 1e-5;
        for (int i = 0; i < 4; i++)
            for (int k = 0; k < 3; k++) {
                double keep = u[i][k];
                u[i][k] = keep + h;
                double plus = hand(u, v, qu, qv, g, qg, 5, policy);
                u[i][k] = keep - h;
                double minus = hand(u, v, qu, qv, g, qg, 5, policy);
                u[i][k] = keep;
                assertEquals((plus - minus) / (2 * h), grad[i * 3 + k], 2e-4, "d loss / d u[" + i + "][" + k + "]");
            }
    }

    @Test void groupCountMustMatchTheBatch() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClipLoss.loss(Var.of(Tensor.zeros(3, 4)), Var.of(Tensor.zeros(3, 4)),
                Var.of(Tensor.scalar(1f)), 100f, new long[2], DuplicatePolicy.MASK, null));
        assertTrue(e.getMessage().contains("2 duplicate groups") && e.getMessage().contains("batch of 3"), e.getMessage());
    }
}
