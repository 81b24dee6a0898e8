package dev.elixr.tasks.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU (Papineni et al. 2002), one reference per candidate: the modified (clipped) n-gram precisions p_n for
 * n = 1..N summed over the corpus, their geometric mean with uniform weights, times the brevity penalty
 * BP = exp(1 − r/c) when the candidates' total length c is at most the references' r (else 1). 0 when any p_n is 0
 * (no smoothing), as NLTK's {@code corpus_bleu}.
 */
public final class Bleu {
    private Bleu() {}

    /** BLEU-4 of tokenised candidates against their references. */
    public static double bleu4(List<List<String>> candidates, List<List<String>> references) { return corpus(candidates, references, 4); }

    public static double corpus(List<List<String>> candidates, List<List<String>> references, int maxN) {
        if (candidates.size() != references.size())
            throw new IllegalArgumentException("BLEU: " + candidates.size() + " candidates but " + references.size() + " references");
        if (maxN < 1) throw new IllegalArgumentException("BLEU: n-gram order " + maxN + " must be >= 1");
        long[] matched = new long[maxN + 1], total = new long[maxN + 1];
        long c = 0, r = 0;
        for (int i = 0; i < candidates.size(); i++) {
            List<String> cand = candidates.get(i), ref = references.get(i);
            c += cand.size();
            r += ref.size();
            for (int n = 1; n <= maxN; n++) {
                Map<List<String>, Integer> refCounts = ngrams(ref, n);
                for (var e : ngrams(cand, n).entrySet()) {
                    matched[n] += Math.min(e.getValue(), refCounts.getOrDefault(e.getKey(), 0));
                    total[n] += e.getValue();
                }
            }
        }
        if (c == 0) return 0;
        double logSum = 0;
        for (int n = 1; n <= maxN; n++) {
            if (matched[n] == 0) return 0;
            logSum += Math.log((double) matched[n] / total[n]) / maxN;
        }
        double bp = c > r ? 1 : Math.exp(1 - (double) r / c);
        return bp * Math.exp(logSum);
    }

    static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> m = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) m.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
        return m;
    }
}
