package dev.elixr.tasks.train;

import dev.elixr.models.elixr.DuplicatePolicy;

/**
 * The choices of the contrastive objective beyond plain CLIP: what duplicates are ({@link DuplicateKey}) and what the
 * loss does with them ({@link DuplicatePolicy}), a queue of recent embeddings as extra negatives (0 = none),
 * sentence sampling of the report text ({@link SentenceSampling}, probability 0 = the full report), the
 * probability of training on the IMPRESSION alone (as CheXzero trains; 0 = never), drawn before sentence sampling, and
 * the probability of dropping each negated sentence from a text that is not the impression alone
 * ({@link NegatedSentences}; 0 = never), drawn after sentence sampling.
 */
public record ContrastiveObjective(DuplicatePolicy duplicates, DuplicateKey key, int queueSize, double sentenceSampling,
                                   double impressionOnly, double dropNegated) {
    public ContrastiveObjective {
        if (queueSize < 0) throw new IllegalArgumentException("queue size " + queueSize + " is negative");
        new SentenceSampling(sentenceSampling); // validates the probability
        if (!(impressionOnly >= 0 && impressionOnly <= 1))
            throw new IllegalArgumentException("impression only: probability " + impressionOnly + " is not in [0, 1]");
        new NegatedSentences(dropNegated); // validates the probability
    }

    /** Without dropping negated sentences. */
    public ContrastiveObjective(DuplicatePolicy duplicates, DuplicateKey key, int queueSize, double sentenceSampling, double impressionOnly) {
        this(duplicates, key, queueSize, sentenceSampling, impressionOnly, 0);
    }

    /** Without impression-only texts. */
    public ContrastiveObjective(DuplicatePolicy duplicates, DuplicateKey key, int queueSize, double sentenceSampling) {
        this(duplicates, key, queueSize, sentenceSampling, 0, 0);
    }

    /** Plain CLIP on full reports (ELIXR-C as published). */
    public static ContrastiveObjective plain() {
        return new ContrastiveObjective(DuplicatePolicy.NONE, DuplicateKey.TEXT, 0, 0);
    }

    /**
     * The default of {@code elixr train elixr-c} and {@code elixr demo}: the impression alone with probability 1/2, else
     * sentence sampling with probability 1/2 and each negated sentence dropped with probability 1/2, and duplicate
     * reports (same normalised text) masked out of the denominator, no queue. Why these values: docs/results.md ("Why
     * the contrastive objective's defaults are what they are").
     */
    public static ContrastiveObjective recommended() {
        return new ContrastiveObjective(DuplicatePolicy.MASK, DuplicateKey.TEXT, 0, 0.5, 0.5, 0.5);
    }

    public boolean isPlain() {
        return duplicates == DuplicatePolicy.NONE && queueSize == 0 && sentenceSampling == 0 && impressionOnly == 0 && dropNegated == 0;
    }
}
