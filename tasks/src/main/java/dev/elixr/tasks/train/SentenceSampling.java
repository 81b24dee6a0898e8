package dev.elixr.tasks.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Text augmentation for contrastive training (as in CXR-CLIP and MedCLIP, which align images with report sentences):
 * with probability p a report is replaced by a random non-empty subset of its sentences, each kept with probability
 * 1/2, in their order. Zero-shot prompts and search queries are single sentences or phrases; training on sentence
 * subsets puts those in the distribution the text tower sees. p = 0 turns it off (the full report every step).
 */
public final class SentenceSampling {
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");

    private final double probability;

    public SentenceSampling(double probability) {
        if (!(probability >= 0 && probability <= 1)) throw new IllegalArgumentException("sentence sampling: probability " + probability + " is not in [0, 1]");
        this.probability = probability;
    }

    public double probability() { return probability; }

    /** The text for one pair at one step; rng is that pair's generator for the step. */
    public String apply(String report, SplittableRandom rng) {
        if (probability == 0 || rng.nextDouble() >= probability) return report;
        List<String> sentences = sentences(report);
        if (sentences.size() < 2) return report;
        List<String> kept = new ArrayList<>();
        for (String s : sentences) if (rng.nextBoolean()) kept.add(s);
        if (kept.isEmpty()) kept.add(sentences.get(rng.nextInt(sentences.size())));
        return String.join(" ", kept);
    }

    /** The sentences of a report (split after . ! ? followed by white space; list numbers like "1." stay attached). */
    static List<String> sentences(String report) {
        List<String> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String part : SENTENCE_END.split(report.trim())) {
            if (part.isEmpty()) continue;
            pending.append(pending.isEmpty() ? "" : " ").append(part);
            if (!part.matches("\\d+\\.")) { out.add(pending.toString()); pending.setLength(0); }
        }
        if (!pending.isEmpty()) out.add(pending.toString());
        return out;
    }
}
