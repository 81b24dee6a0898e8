package dev.elixr.models.softprompt;

import java.util.Arrays;
import java.util.List;

/**
 * A batch for a language model conditioned on soft prompts (BLIP-2 §3.3; ELIXR-B stage 2, Xu et al. 2023 §2.2): per
 * row, Q soft-prompt vectors (supplied by the model), then the prompt's token ids, then the answer's (ending in the
 * end-of-sequence id, supplied by the caller), right-padded to a common length L. Right padding keeps every real
 * position's causal context free of padding, so no attention mask is needed.
 * <p>{@code targets} [B·(Q+L)] holds, for each position of the full sequence, the id it must predict next, or
 * {@link #IGNORE}: only positions whose next token is an answer token carry a target; the soft prompt, the prompt and
 * the padding never count in the loss.
 */
public record SoftPromptBatch(int[] ids, int[] targets, int batch, int length, int softTokens) {
    /** The target of a position that does not count (PyTorch's ignore_index). */
    public static final int IGNORE = -100;

    public SoftPromptBatch {
        if (ids.length != batch * length) throw new IllegalArgumentException("soft-prompt batch: " + ids.length + " ids for " + batch + " rows of " + length);
        if (targets.length != batch * (softTokens + length))
            throw new IllegalArgumentException("soft-prompt batch: " + targets.length + " targets for " + batch + " rows of " + (softTokens + length));
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
        int[] ids = new int[b * length], targets = new int[b * full];
        Arrays.fill(ids, padId);
        Arrays.fill(targets, IGNORE);
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i), a = answers.get(i);
            System.arraycopy(p, 0, ids, i * length, p.length);
            System.arraycopy(a, 0, ids, i * length + p.length, a.length);
            // position softTokens + p.length + j − 1 predicts answer token j
            for (int j = 0; j < a.length; j++) targets[i * full + softTokens + p.length + j - 1] = a[j];
        }
        return new SoftPromptBatch(ids, targets, b, length, softTokens);
    }

    /** Positions per row, soft prompt included. */
    public int fullLength() { return softTokens + length; }

    /** How many positions carry a target (answer tokens in the batch). */
    public int answerTokens() {
        int n = 0;
        for (int t : targets) if (t != IGNORE) n++;
        return n;
    }
}
