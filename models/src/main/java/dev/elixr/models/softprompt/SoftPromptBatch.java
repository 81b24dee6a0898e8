package dev.elixr.models.softprompt;

import dev.elixr.autograd.ShardedBackward;
import dev.elixr.models.llm.CausalLmLoss;

import java.util.Arrays;
import java.util.List;

/**
 * A batch for a language model conditioned on soft prompts (BLIP-2 §3.3; ELIXR-B stage 2, Xu et al. 2023 §2.2): per
 * row, Q soft-prompt vectors (supplied by the model), then the prompt's token ids, then the answer's (ending in the
 * end-of-sequence id, supplied by the caller), right-padded to a common length L. Right padding keeps every real
 * position's causal context free of padding, so no attention mask is needed.
 * <p>{@code labels} [B·(Q+L)] are Hugging Face's causal-LM labels over the full sequence (soft prompt included), shifted
 * inside {@link CausalLmLoss}: the answer's ids where the answer is, {@link #IGNORE} at every soft-prompt, prompt and
 * padding position, so that only answer tokens count in the loss.
 */
public record SoftPromptBatch(int[] ids, int[] labels, int batch, int length, int softTokens) {
    /** A label that does not count ({@link CausalLmLoss#IGNORE}, PyTorch's ignore_index). */
    public static final int IGNORE = CausalLmLoss.IGNORE;

    public SoftPromptBatch {
        if (ids.length != batch * length) throw new IllegalArgumentException("soft-prompt batch: " + ids.length + " ids for " + batch + " rows of " + length);
        if (labels.length != batch * (softTokens + length))
            throw new IllegalArgumentException("soft-prompt batch: " + labels.length + " labels for " + batch + " rows of " + (softTokens + length));
    }

    /**
     * Rows of prompt ids followed by answer ids; softTokens soft-prompt positions come first; padId fills the tail
     * (its value never matters: padding comes after the answer and is never a target).
     */
    public static SoftPromptBatch of(List<int[]> prompts, List<int[]> answers, int softTokens, int padId) {
        if (prompts.size() != answers.size() || prompts.isEmpty())
            throw new IllegalArgumentException("soft-prompt batch: " + prompts.size() + " prompts and " + answers.size() + " answers (need as many, at least one)");
        if (softTokens < 0) throw new IllegalArgumentException("soft-prompt batch: " + softTokens + " soft tokens");
        int b = prompts.size(), length = 0;
        for (int i = 0; i < b; i++) {
            if (answers.get(i).length == 0) throw new IllegalArgumentException("soft-prompt batch: row " + i + " has an empty answer (nothing to learn)");
            if (softTokens + prompts.get(i).length == 0) throw new IllegalArgumentException("soft-prompt batch: row " + i + " has no context before its answer");
            length = Math.max(length, prompts.get(i).length + answers.get(i).length);
        }
        int full = softTokens + length;
        int[] ids = new int[b * length], labels = new int[b * full];
        Arrays.fill(ids, padId);
        Arrays.fill(labels, IGNORE);
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i), a = answers.get(i);
            System.arraycopy(p, 0, ids, i * length, p.length);
            System.arraycopy(a, 0, ids, i * length + p.length, a.length);
            System.arraycopy(a, 0, labels, i * full + softTokens + p.length, a.length);
        }
        return new SoftPromptBatch(ids, labels, b, length, softTokens);
    }

    /** Positions per row, soft prompt included. */
    public int fullLength() { return softTokens + length; }

    /** One past row b's last answer position, soft prompt included: the positions its loss needs (the rest is padding). */
    public int extent(int b) {
        int full = fullLength();
        for (int t = full; t > 0; t--) if (labels[b * full + t - 1] != IGNORE) return t;
        return softTokens;
    }

    /**
     * The rows {@code which} (in that order) as a batch of {@code length} text positions, at least each row's
     * {@link #extent} less the soft prompt and at most this batch's: the same ids and labels, less of the padding.
     */
    public SoftPromptBatch rows(int[] which, int length) {
        if (length < 0 || length > this.length) throw new IllegalArgumentException("soft-prompt batch: " + length + " positions of rows of " + this.length);
        int full = fullLength(), sub = softTokens + length;
        int[] ids = new int[which.length * length], labels = new int[which.length * sub];
        for (int i = 0; i < which.length; i++) {
            int b = which[i];
            if (b < 0 || b >= batch) throw new IllegalArgumentException("soft-prompt batch: row " + b + " of " + batch);
            int needs = extent(b);
            if (needs > sub) throw new IllegalArgumentException("soft-prompt batch: row " + b + " needs " + needs + " positions, more than " + sub);
            System.arraycopy(this.ids, b * this.length, ids, i * length, length);
            System.arraycopy(this.labels, b * full, labels, i * sub, sub);
        }
        return new SoftPromptBatch(ids, labels, which.length, length, softTokens);
    }

    /**
     * The rows split into count shards of about equal work for data parallelism ({@link ShardedBackward#partition} of
     * their extents: longest first, each to the shard with the fewest positions so far).
     */
    public int[][] shards(int count) {
        int[] extents = new int[batch];
        for (int b = 0; b < batch; b++) extents[b] = extent(b);
        return ShardedBackward.partition(extents, count);
    }

    /** The rows {@code which} as a batch padded only to their longest {@link #extent}. */
    public SoftPromptBatch rows(int[] which) {
        int longest = softTokens;
        for (int b : which) {
            if (b < 0 || b >= batch) throw new IllegalArgumentException("soft-prompt batch: row " + b + " of " + batch);
            longest = Math.max(longest, extent(b));
        }
        return rows(which, longest - softTokens);
    }

    /** How many positions count in the loss (answer tokens in the batch). */
    public int answerTokens() { return CausalLmLoss.counted(labels, fullLength()); }
}
