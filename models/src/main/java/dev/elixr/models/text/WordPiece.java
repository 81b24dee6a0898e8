package dev.elixr.models.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Greedy longest-match-first WordPiece (Wu et al. 2016; BERT's {@code WordpieceTokenizer}): each word is cut into the
 * longest vocabulary prefix, then the longest {@code ##}-continuation, and so on; a word that cannot be covered, or is
 * longer than {@code maxCharsPerWord} code points, becomes the unknown token.
 */
public final class WordPiece {
    public static final int DEFAULT_MAX_CHARS_PER_WORD = 100;

    private final Vocab vocab;
    private final String unknown;
    private final int maxCharsPerWord;

    public WordPiece(Vocab vocab, String unknown, int maxCharsPerWord) {
        vocab.id(unknown);
        this.vocab = vocab;
        this.unknown = unknown;
        this.maxCharsPerWord = maxCharsPerWord;
    }

    /** The word pieces of one whitespace-free word. */
    public List<String> split(String word) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > maxCharsPerWord) return List.of(unknown);
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            int end = cps.length;
            String match = null;
            while (start < end) {
                String sub = new String(cps, start, end - start);
                if (start > 0) sub = "##" + sub;
                if (vocab.contains(sub)) {
                    match = sub;
                    break;
                }
                end--;
            }
            if (match == null) return List.of(unknown);
            pieces.add(match);
            start = end;
        }
        return pieces;
    }
}
