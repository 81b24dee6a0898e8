package dev.elixr.tasks.language;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Scoring of free-text answers as VQA benchmarks do: normalisation (lower case, punctuation to spaces, the articles
 * a/an/the dropped, spaces collapsed), exact match of the normalised strings, and SQuAD's token F1 (the harmonic mean
 * of token precision and recall over the bags of normalised tokens).
 */
public final class AnswerScore {
    private static final Set<String> ARTICLES = Set.of("a", "an", "the");

    private AnswerScore() {}

    public static String normalise(String s) {
        List<String> t = tokens(s);
        return String.join(" ", t);
    }

    public static boolean exactMatch(String predicted, String truth) { return normalise(predicted).equals(normalise(truth)); }

    public static double tokenF1(String predicted, String truth) {
        List<String> p = tokens(predicted), t = tokens(truth);
        if (p.isEmpty() || t.isEmpty()) return p.isEmpty() && t.isEmpty() ? 1 : 0;
        Map<String, Integer> bag = new HashMap<>();
        for (String w : t) bag.merge(w, 1, Integer::sum);
        int common = 0;
        for (String w : p) {
            Integer n = bag.get(w);
            if (n != null && n > 0) {
                common++;
                bag.put(w, n - 1);
            }
        }
        if (common == 0) return 0;
        double precision = (double) common / p.size(), recall = (double) common / t.size();
        return 2 * precision * recall / (precision + recall);
    }

    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim().split(" ")) {
            if (!w.isEmpty() && !ARTICLES.contains(w)) out.add(w);
        }
        return out;
    }
}
