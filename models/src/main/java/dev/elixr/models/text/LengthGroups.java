package dev.elixr.models.text;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A padded batch's texts split into groups of similar length, each group padded only to its own longest, so that an
 * encoder whose texts do not see each other (BERT: attention within a text, per-token layers) spends its work on real
 * tokens. A CLIP batch's texts are drawn with its images and cannot be chosen by length as a language model's batches
 * are; in elixr demo about 30% of a batch padded to its longest are real tokens. The texts are sorted by length (stable)
 * and cut into contiguous groups by dynamic programming (a text's length here: one past its last real token) over the cost {@code Σ rows·length + groupCost · groups}, where
 * {@code groupCost} (in token rows) stands for the fixed work of one more pass through the encoder.
 *
 * @param groups the groups' batches, shortest texts first
 * @param order  the original row of each grouped text, groups in order ({@code order[i]} is the batch row of the i-th
 *               grouped text)
 */
public record LengthGroups(TokenBatch[] groups, int[] order) {
    /** The default fixed cost of one more group, in padded token rows (ELIXR-C's demo training, one thread, AVX2: 32, 96 and 256 all
     * within 7% of each other, 1.4–1.5× the ungrouped batch's img/s). */
    public static final int GROUP_COST = 64;

    /** One group per run of similar lengths; a single group (the batch itself) when splitting saves nothing. */
    public static LengthGroups of(TokenBatch tokens, int groupCost) {
        int n = tokens.batch();
        int[] real = IntStream.range(0, n).map(b -> extent(tokens, b)).toArray();
        int[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingInt(b -> real[b])).mapToInt(Integer::intValue).toArray();
        int[] cuts = cuts(order, real, groupCost);
        TokenBatch[] groups = new TokenBatch[cuts.length - 1];
        for (int g = 0; g < groups.length; g++)
            groups[g] = slice(tokens, order, cuts[g], cuts[g + 1], Math.min(tokens.length(), Math.max(2, real[order[cuts[g + 1] - 1]])));
        return new LengthGroups(groups, order);
    }

    /** The group boundaries in the sorted order (0 first, n last) minimising the padded rows plus groupCost per group. */
    static int[] cuts(int[] order, int[] real, int groupCost) {
        int n = order.length;
        long[] best = new long[n + 1];
        int[] from = new int[n + 1];
        for (int end = 1; end <= n; end++) {
            best[end] = Long.MAX_VALUE;
            long longest = Math.max(2, real[order[end - 1]]);
            for (int start = 0; start < end; start++) {
                long c = best[start] + (end - start) * longest + groupCost;
                if (c < best[end]) { best[end] = c; from[end] = start; }
            }
        }
        int count = 0;
        for (int e = n; e > 0; e = from[e]) count++;
        int[] cuts = new int[count + 1];
        for (int e = n, i = count; e > 0; e = from[e]) cuts[i--] = e;
        return cuts;
    }

    /** Rows order[start..end) of tokens, cut to length (at most the batch's; their real tokens all lie within it). */
    private static TokenBatch slice(TokenBatch tokens, int[] order, int start, int end, int length) {
        int rows = end - start, src = tokens.length();
        int[] ids = new int[rows * length], mask = new int[rows * length];
        for (int r = 0; r < rows; r++) {
            int b = order[start + r];
            System.arraycopy(tokens.ids(), b * src, ids, r * length, length);
            System.arraycopy(tokens.mask(), b * src, mask, r * length, length);
        }
        return new TokenBatch(ids, mask, rows, length);
    }

    /** One past the last real token of text b (its real tokens need not be contiguous). */
    static int extent(TokenBatch tokens, int b) {
        for (int t = tokens.length(); t > 0; t--) if (tokens.mask()[b * tokens.length() + t - 1] != 0) return t;
        return 0;
    }

    /** For each batch row, its position among the grouped texts (the inverse of {@link #order}). */
    public int[] positions() {
        int[] pos = new int[order.length];
        for (int i = 0; i < order.length; i++) pos[order[i]] = i;
        return pos;
    }
}
