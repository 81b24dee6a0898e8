package dev.elixr.tasks.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Text augmentation for contrastive training: each negated sentence of a training text ("No pleural effusion.",
 * "There is no pneumothorax.", "No evidence of …": the negation opening the sentence, as radiology reports write it)
 * is dropped with probability p, so that a finding's words are seen less often in sentences that deny it. Tried because
 * the queries that reports mostly deny ("pulmonary nodule") ranked normal studies first; it raised search NDCG@5 on
 * other queries and left that one as it was (docs/results.md, "Search and negated sentences"). A text whose sentences
 * are all dropped is kept whole. p = 0 turns it off.
 */
public final class NegatedSentences {
    private static final Pattern NEGATED = Pattern.compile("^(No |There is no |No evidence of )");

    private final double probability;

    public NegatedSentences(double probability) {
        if (!(probability >= 0 && probability <= 1))
            throw new IllegalArgumentException("drop negated: probability " + probability + " is not in [0, 1]");
        this.probability = probability;
    }

    public double probability() { return probability; }

    /** Whether a sentence opens with a negation. */
    static boolean negated(String sentence) { return NEGATED.matcher(sentence).find(); }

    /** The text for one pair at one step, its negated sentences each dropped with the probability; rng is the pair's generator. */
    public String apply(String text, SplittableRandom rng) {
        if (probability == 0) return text;
        List<String> kept = new ArrayList<>();
        for (String s : SentenceSampling.sentences(text)) if (!negated(s) || rng.nextDouble() >= probability) kept.add(s);
        return kept.isEmpty() ? text : String.join(" ", kept);
    }
}
