package dev.elixr.tasks.train;

import dev.elixr.models.text.BasicTokenizer;
import dev.elixr.models.text.Vocab;
import dev.elixr.models.text.WordPieceTokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A WordPiece vocabulary built from training reports, for a text tower trained from scratch: the special tokens,
 * every word seen at least {@code minCount} times (most frequent first), then single characters and their
 * {@code ##} continuations so that any unseen word still splits into pieces instead of [UNK].
 */
public final class ReportVocabulary {
    private ReportVocabulary() {}

    public static Vocab build(List<String> texts, int minCount) {
        BasicTokenizer basic = new BasicTokenizer(true);
        Map<String, Integer> counts = new HashMap<>();
        for (String t : texts) for (String w : basic.tokenize(t)) counts.merge(w, 1, Integer::sum);
        List<Map.Entry<String, Integer>> words = new ArrayList<>(counts.entrySet());
        words.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Set<String> tokens = new LinkedHashSet<>(List.of(WordPieceTokenizer.PAD, WordPieceTokenizer.UNK,
                WordPieceTokenizer.CLS, WordPieceTokenizer.SEP, WordPieceTokenizer.MASK));
        for (var e : words) if (e.getValue() >= minCount) tokens.add(e.getKey());
        for (char c = 'a'; c <= 'z'; c++) { tokens.add(Character.toString(c)); tokens.add("##" + c); }
        for (char c = '0'; c <= '9'; c++) { tokens.add(Character.toString(c)); tokens.add("##" + c); }
        for (char c : ".,;:()/-%'\"".toCharArray()) tokens.add(Character.toString(c));
        return new Vocab(new ArrayList<>(tokens));
    }
}
