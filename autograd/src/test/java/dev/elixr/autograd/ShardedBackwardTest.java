package dev.elixr.autograd;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Index;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data-parallel shards: the same bits side by side as one after another, the whole batch's gradient up to rounding, failures, weights. */
class ShardedBackwardTest {
    private static final int ROWS = 96, IN = 24, HIDDEN = 40, OUT = 6;
    private final int threadsBefore = Parallel.threads();
    private final Tensor x = Tensor.randn(3, ROWS, IN);
    private final Var w1 = Var.param(Tensor.normal(new SplittableRandom(4), 0f, 0.2f, HIDDEN, IN)),
            w2 = Var.param(Tensor.normal(new SplittableRandom(5), 0f, 0.2f, OUT, HIDDEN));

    @AfterEach
    void restoreThreads() { Parallel.setThreads(threadsBefore); }

    /** Mean over rows of ‖tanh(x·w1ᵀ)·w2ᵀ‖², times the rows' share of the batch. */
    private Var shareOfLoss(int[] rows) {
        Var h = Functional.linear(Var.of(Index.indexSelect(x, 0, rows)), w1, null).tanh();
        return Functional.linear(h, w2, null).square().sum(false, 1).meanAll().mul(rows.length / (float) ROWS);
    }

    private static int[][] halves() {
        return new int[][] {IntStream.range(0, 40).toArray(), IntStream.range(40, ROWS).toArray()};
    }

    private float[][] gradientsWithThreads(int threads, String[] shardThreads) {
        Parallel.setThreads(threads);
        w1.zeroGrad();
        w2.zeroGrad();
        int[][] shards = halves();
        ShardedBackward.run(2, i -> {
            shardThreads[i] = Thread.currentThread().getName();
            return shareOfLoss(shards[i]);
        });
        assertEquals(0, Parallel.jobsBeside(), "every shard's job beside the others is closed");
        return new float[][] {w1.grad().toFloatArray(), w2.grad().toFloatArray()};
    }

    @Test
    void shardsSideBySideOnTwoThreadsGiveTheSameGradientBitsAsOneAfterAnotherOnOne() {
        String[] side = new String[2], serial = new String[2];
        float[][] two = gradientsWithThreads(2, side), one = gradientsWithThreads(1, serial);
        assertTrue(side[1].startsWith("elixr-shard-") && !side[1].equals(side[0]), "shard 1 ran on a thread of its own: " + Arrays.toString(side));
        assertEquals(serial[0], serial[1], "on one thread both shards run on the caller");
        assertArrayEquals(one[0], two[0], 0f);
        assertArrayEquals(one[1], two[1], 0f);
    }

    @Test
    void shardGradientsAndLossAddUpToTheWholeBatchsWithinFloatRounding() {
        int[][] shards = halves();
        float loss = ShardedBackward.run(2, i -> shareOfLoss(shards[i]));
        float[] g1 = w1.grad().toFloatArray(), g2 = w2.grad().toFloatArray();
        w1.zeroGrad();
        w2.zeroGrad();
        Var whole = shareOfLoss(IntStream.range(0, ROWS).toArray());
        whole.backward();
        assertEquals(whole.item(), loss, 1e-6 * Math.abs(whole.item()));
        assertClose(w1.grad().toFloatArray(), g1);
        assertClose(w2.grad().toFloatArray(), g2);
    }

    private static void assertClose(float[] expected, float[] actual) {
        double scale = 0;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-5 * scale, "element " + i);
    }

    @Test
    void gradientsAddToWhatTheLeavesHoldAndAShardWithoutALossAddsNothing() {
        int[] rows = IntStream.range(0, ROWS).toArray();
        shareOfLoss(rows).backward();
        float[] before = w1.grad().toFloatArray();
        float loss = ShardedBackward.run(2, i -> i == 0 ? shareOfLoss(rows) : null);
        float[] after = w1.grad().toFloatArray();
        for (int i = 0; i < before.length; i++) assertEquals(2 * before[i], after[i], 1e-6 * Math.abs(before[i]) + 1e-12, "element " + i);
        assertEquals(shareOfLoss(rows).item(), loss, 0f);
    }

    @Test
    void aFailingShardRethrowsItsErrorAfterTheOthersEndAndLeavesTheGradientsUntouched() {
        Parallel.setThreads(2);
        int[][] shards = halves();
        var e = assertThrows(IllegalStateException.class, () -> ShardedBackward.run(2, i -> {
            if (i == 1) throw new IllegalStateException("shard one failed on purpose");
            return shareOfLoss(shards[i]);
        }));
        assertEquals("shard one failed on purpose", e.getMessage());
        assertNull(w1.grad());
        assertNull(w2.grad());
        assertEquals(0, Parallel.jobsBeside());
    }

    @Test
    void partitionGivesEachItemToTheLeastLoadedShardLargestFirstAndListsEachShardInOrder() {
        // costs 5 5 9 1 4 into 3: 9 → 0; 5 (item 0) → 1; 5 (item 1) → 2; 4 → 1 (5 = 5, the first); 1 → 2 (5 < 9)
        int[][] three = ShardedBackward.partition(new int[] {5, 5, 9, 1, 4}, 3);
        assertArrayEquals(new int[] {2}, three[0]);
        assertArrayEquals(new int[] {0, 4}, three[1]);
        assertArrayEquals(new int[] {1, 3}, three[2]);
        int[][] wide = ShardedBackward.partition(new int[] {7}, 3);
        assertArrayEquals(new int[] {0}, wide[0]);
        assertEquals(0, wide[1].length + wide[2].length, "more shards than items leaves the last ones empty");
        assertThrows(IllegalArgumentException.class, () -> ShardedBackward.partition(new int[] {1}, 0));
    }

    @Test
    void everyShardRecordsItsGraphAsTheCallerDoes() {
        Parallel.setThreads(2);
        boolean[] recorded = new boolean[2];
        int[][] shards = halves();
        ShardedBackward.run(2, i -> {
            recorded[i] = GradMode.isEnabled();
            return shareOfLoss(shards[i]);
        });
        assertTrue(recorded[0] && recorded[1]);
        try (var g = GradMode.noGrad()) {
            assertThrows(IllegalStateException.class, () -> ShardedBackward.run(2, i -> {
                recorded[i] = GradMode.isEnabled();
                return shareOfLoss(shards[i]);
            }), "nothing to differentiate without a graph");
        }
        assertTrue(!recorded[0] && !recorded[1], "under noGrad on the caller, the shard on its own thread records nothing either");
        assertEquals(0, Parallel.jobsBeside());
    }

    @Test
    void aShardLossOfMoreThanOneElementOrNoShardIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> ShardedBackward.run(2, i -> Var.param(Tensor.vector(1f, 2f)).mul(2f)));
        assertTrue(e.getMessage().contains("shard 0") && e.getMessage().contains("not one element"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardedBackward.run(0, i -> null));
    }
}
