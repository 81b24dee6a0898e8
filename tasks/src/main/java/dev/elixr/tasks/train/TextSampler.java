package dev.elixr.tasks.train;

import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.WordPieceTokenizer;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.Seeds;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The texts of a training batch at a step: the pre-tokenised full reports, or, drawn from a generator that is a pure
 * function of (seed, step) so that a resumed run draws the same texts, the IMPRESSION alone (with the objective's
 * {@code impressionOnly} probability, when the report has one) or else a {@link SentenceSampling} subset with
 * {@link NegatedSentences} dropped (the objective's {@code dropNegated}); plus each
 * pair's duplicate group ({@link DuplicateKey}). ELIXR-C's training and ELIXR-B stage 1 draw their texts with it, so that
 * the same seed, step and studies give both the same texts.
 */
final class TextSampler {
    /** Encodings indexed by {@code rows} (as {@link TokenBatch#of} takes them) and one duplicate group per row. */
    record Batch(List<Encoding> encodings, int[] rows, long[] groups) {}

    private final WordPieceTokenizer tokenizer;
    private final List<CxrStudy> studies;
    private final List<Encoding> full;
    private final List<String> reports;
    private final List<String> impressions;
    private final ContrastiveObjective objective;
    private final SentenceSampling sampling;
    private final NegatedSentences negations;
    private final int maxTokens;
    private final long seed;
    private long[] fullGroups; // the groups of the full reports, computed once (they do not change between steps)

    /** studies: the pairs' studies, indexed as the rows of {@link #batch}; full: their full reports' encodings, in that order. */
    TextSampler(WordPieceTokenizer tokenizer, List<CxrStudy> studies, List<Encoding> full, ContrastiveObjective objective, int maxTokens, long seed) {
        if (full.size() != studies.size())
            throw new IllegalArgumentException("TextSampler: " + studies.size() + " studies but " + full.size() + " encoded reports");
        this.tokenizer = tokenizer;
        this.studies = List.copyOf(studies);
        this.full = full;
        this.reports = this.studies.stream().map(s -> ReportText.findingsAndImpression(s.report())).toList();
        this.impressions = objective.impressionOnly() == 0 ? null : this.studies.stream().map(s -> ReportText.impression(s.report())).toList();
        this.objective = objective;
        this.sampling = new SentenceSampling(objective.sentenceSampling());
        this.negations = new NegatedSentences(objective.dropNegated());
        this.maxTokens = maxTokens;
        this.seed = seed;
    }

    Batch batch(int[] rows, long step) {
        long[] groups = new long[rows.length];
        if (sampling.probability() == 0 && impressions == null && negations.probability() == 0) {
            if (fullGroups == null) {
                fullGroups = new long[reports.size()];
                for (int i = 0; i < fullGroups.length; i++) fullGroups[i] = objective.key().group(studies.get(i), reports.get(i));
            }
            for (int b = 0; b < rows.length; b++) groups[b] = fullGroups[rows[b]];
            return new Batch(full, rows, groups);
        }
        SplittableRandom rng = new SplittableRandom(Seeds.textSampling(seed, step));
        List<Encoding> enc = new ArrayList<>(rows.length);
        int[] ids = new int[rows.length];
        for (int b = 0; b < rows.length; b++) {
            String text = text(rows[b], rng.split());
            enc.add(tokenizer.encode(text, maxTokens, false));
            groups[b] = objective.key().group(studies.get(rows[b]), text);
            ids[b] = b;
        }
        return new Batch(enc, ids, groups);
    }

    /** One pair's text at this step. */
    private String text(int row, SplittableRandom r) {
        if (impressions != null && !impressions.get(row).isEmpty() && r.nextDouble() < objective.impressionOnly()) return impressions.get(row);
        return negations.apply(sampling.apply(reports.get(row), r), r);
    }
}
