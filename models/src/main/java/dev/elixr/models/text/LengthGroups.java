package dev.elixr.models.text;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A padded batch's texts split into groups of similar length, each group padded only to its own longest, so that an
 * encoder whose texts do not see each other (BERT, the Q-Former: attention within a sequence, per-token layers) spends
 * its work on real tokens. A CLIP batch's texts are drawn with its images and cannot be chosen by length as a language
 * model's batches are; in elixr demo about 30% of a batch padded to its longest are real tokens. The texts are sorted by
 * length (stable) and cut into contiguous groups by dynamic programming over the cost
 * {@code Σ rows·length + groupCost · groups}, where a text's length is one past its last real token and
 * {@code groupCost} (in token rows) stands for the fixed work of one more pass through the encoder.
 *
 * @param order   the batch row of each grouped text, groups in order, shortest texts first
 * @param starts  group g is {@code order[starts[g] .. starts[g+1])}
 * @param lengths group g's length (its longest text's, at least 2 and at most the batch's)
 */
public record LengthGroups(int[] order, int[] starts, int[] lengths) {
    /**
     * The default fixed cost of one more group, in padded token rows: a value between the ones measured (ELIXR-C's demo
     * training, one thread, AVX2 Zen 3: costs 32, 96 and 256 within 7% of each other, 1.4–1.5× the ungrouped batch's
     * img/s; 64 itself ran the session-24 demos at 325–345 img/s beside the LM).
     */
    public static final int GROUP_COST = 64;

    /** The groups of a batch of {@code batch} texts of {@code length} positions, mask [batch·length] (1 = real token). */
    public static LengthGroups of(int[] mask, int batch, int length, int groupCost) {
        if (mask.length != batch * length)
            throw new IllegalArgumentException("length groups: a mask of " + mask.length + " entries for " + batch + " texts of " + length + " tokens");
        return ofExtents(IntStream.range(0, batch).map(b -> extent(mask, b, length)).toArray(), length, groupCost);
    }

    /**
     * The groups of texts whose positions a pass needs end at {@code extent[b]} (one past the last it needs) in a batch
     * padded to {@code length}.
     */
    public static LengthGroups ofExtents(int[] extent, int length, int groupCost) {
        for (int e : extent)
            if (e < 0 || e > length) throw new IllegalArgumentException("length groups: a text extent of " + e + " in a batch of length " + length);
        int batch = extent.length;
        int[] order = IntStream.range(0, batch).boxed().sorted(Comparator.comparingInt(b -> extent[b])).mapToInt(Integer::intValue).toArray();
        int[] starts = cuts(order, extent, groupCost);
        int[] lengths = new int[starts.length - 1];
        for (int g = 0; g < lengths.length; g++) lengths[g] = Math.min(length, Math.max(2, extent[order[starts[g + 1] - 1]]));
        return new LengthGroups(order, starts, lengths);
    }

    /** The groups of a token batch. */
    public static LengthGroups of(TokenBatch tokens, int groupCost) {
        return of(tokens.mask(), tokens.batch(), tokens.length(), groupCost);
    }

    /** How many groups. */
    public int count() { return lengths.length; }

    /** The batch rows of group g, shortest first. */
    public int[] rows(int g) { return java.util.Arrays.copyOfRange(order, starts[g], starts[g + 1]); }

    /** Group g's length. */
    public int length(int g) { return lengths[g]; }

    /** Whether the groups are the batch itself: one group, as long as the batch's {@code length}. */
    public boolean isWholeBatch(int length) { return count() == 1 && lengths[0] == length; }

    /** For each batch row, its position among the grouped texts (the inverse of {@link #order}). */
    public int[] positions() {
        int[] pos = new int[order.length];
        for (int i = 0; i < order.length; i++) pos[order[i]] = i;
        return pos;
    }

    /** The groups' per-text results [n_g, D], one per group in order, put back in the batch's order: [B, D]. */
    public Var inBatchOrder(Var... parts) {
        if (parts.length != count()) throw new IllegalArgumentException("length groups: " + parts.length + " results for " + count() + " groups");
        Var sorted = parts.length == 1 ? parts[0] : Functional.concat(0, parts);
        return Functional.embedding(sorted, positions(), order.length);
    }

    /** One past the last real token of text b (its real tokens need not be contiguous). */
    static int extent(int[] mask, int b, int length) {
        for (int t = length; t > 0; t--) if (mask[b * length + t - 1] != 0) return t;
        return 0;
    }

    /** The group boundaries in the sorted order (0 first, n last) minimising the padded rows plus groupCost per group. */
    static int[] cuts(int[] order, int[] extent, int groupCost) {
        int n = order.length;
        long[] best = new long[n + 1];
        int[] from = new int[n + 1];
        for (int end = 1; end <= n; end++) {
            best[end] = Long.MAX_VALUE;
            long longest = Math.max(2, extent[order[end - 1]]);
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
}
