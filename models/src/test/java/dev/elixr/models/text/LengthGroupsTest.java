package dev.elixr.models.text;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LengthGroups}: every text once, its real tokens kept, and the cheapest contiguous cut of the sorted lengths. */
class LengthGroupsTest {
    /** A right-padded batch of texts with random real lengths in [1, maxLen] (ids 100·row + position). */
    static TokenBatch batch(SplittableRandom r, int n, int maxLen) {
        int[] len = new int[n];
        for (int b = 0; b < n; b++) len[b] = 1 + r.nextInt(maxLen);
        int t = Arrays.stream(len).max().orElseThrow();
        int[] ids = new int[n * t], mask = new int[n * t];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < len[b]; i++) { ids[b * t + i] = 100 * b + i + 1; mask[b * t + i] = 1; }
        return new TokenBatch(ids, mask, n, t);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void everyTextAppearsOnceWithItsRealTokensAndGroupsRunShortestFirst(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        TokenBatch tokens = batch(r, 1 + r.nextInt(40), 1 + r.nextInt(60));
        LengthGroups g = LengthGroups.of(tokens, 1 + r.nextInt(100));
        int[] seen = new int[tokens.batch()];
        int previousLength = 0;
        for (int k = 0; k < g.count(); k++) {
            assertTrue(g.length(k) >= previousLength, "groups run shortest first");
            previousLength = g.length(k);
            TokenBatch group = tokens.rows(g.rows(k), g.length(k));
            for (int row = 0; row < group.batch(); row++) {
                int b = g.rows(k)[row];
                seen[b]++;
                assertEquals(tokens.realTokens(b), group.realTokens(row), "text " + b + "'s real tokens");
                for (int t = 0; t < group.length(); t++)
                    assertEquals(tokens.ids()[b * tokens.length() + t], group.ids()[row * group.length() + t], "text " + b + " id " + t);
            }
        }
        for (int b = 0; b < seen.length; b++) assertEquals(1, seen[b], "text " + b);
        int[] pos = g.positions();
        for (int b = 0; b < pos.length; b++) assertEquals(b, g.order()[pos[b]], "positions invert order");
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void theCutCostsNoMoreThanAnyOtherCutOfTheSortedLengths(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1 + r.nextInt(10), cost = r.nextInt(40);
        int[] real = new int[n];
        for (int b = 0; b < n; b++) real[b] = r.nextInt(30);
        int[] order = java.util.stream.IntStream.range(0, n).boxed().sorted(java.util.Comparator.comparingInt(b -> real[b]))
                .mapToInt(Integer::intValue).toArray();
        long chosen = cost(LengthGroups.cuts(order, real, cost), order, real, cost);
        long best = Long.MAX_VALUE;
        for (int m = 0; m < 1 << (n - 1); m++) {  // every subset of the n−1 inner boundaries
            int[] cuts = new int[Integer.bitCount(m) + 2];
            int k = 1;
            for (int j = 1; j < n; j++) if ((m >> (j - 1) & 1) != 0) cuts[k++] = j;
            cuts[k] = n;
            best = Math.min(best, cost(cuts, order, real, cost));
        }
        assertEquals(best, chosen, "n " + n + ", group cost " + cost);
    }

    static long cost(int[] cuts, int[] order, int[] real, int groupCost) {
        long c = 0;
        for (int g = 0; g + 1 < cuts.length; g++) c += (long) (cuts[g + 1] - cuts[g]) * Math.max(2, real[order[cuts[g + 1] - 1]]) + groupCost;
        return c;
    }

    @Test
    void equalLengthsStayOneGroupAndAnOverPaddedBatchIsCutToItsLongestText() {
        int[] ids = {1, 2, 3, 0, 0, /**/ 4, 5, 6, 0, 0};
        int[] mask = {1, 1, 1, 0, 0, /**/ 1, 1, 1, 0, 0};
        TokenBatch tokens = new TokenBatch(ids, mask, 2, 5);
        LengthGroups g = LengthGroups.of(tokens, 64);
        assertEquals(1, g.count());
        assertEquals(3, g.length(0));
        assertFalse(g.isWholeBatch(5), "cut to 3 of 5 positions");
        assertArrayEquals(new int[] {0, 1}, g.order());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, tokens.rows(g.rows(0), g.length(0)).ids());
    }
}
