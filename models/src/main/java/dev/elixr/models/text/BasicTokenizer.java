package dev.elixr.models.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * BERT's basic tokenizer (Devlin et al. 2019, and Hugging Face's {@code BasicTokenizer}): removes control characters,
 * turns whitespace into spaces, puts spaces around CJK ideographs, NFC-normalises, splits on whitespace, lower-cases
 * and strips accents when asked, and splits every punctuation character into its own token.
 * Tokens listed in {@code neverSplit} (the special tokens) pass through untouched.
 */
public final class BasicTokenizer {
    private final boolean lowercase;
    private final boolean stripAccents;
    private final Set<String> neverSplit;

    /** stripAccents follows lowercase, as in BERT uncased. */
    public BasicTokenizer(boolean lowercase) { this(lowercase, lowercase, Set.of()); }

    public BasicTokenizer(boolean lowercase, boolean stripAccents, Set<String> neverSplit) {
        this.lowercase = lowercase;
        this.stripAccents = stripAccents;
        this.neverSplit = Set.copyOf(neverSplit);
    }

    public boolean lowercase() { return lowercase; }

    public List<String> tokenize(String text) {
        String cleaned = spaceCjk(clean(text));
        String normalized = Normalizer.normalize(cleaned, Normalizer.Form.NFC);
        List<String> out = new ArrayList<>();
        for (String token : splitWhitespace(normalized)) {
            if (neverSplit.contains(token)) {
                out.add(token);
                continue;
            }
            String t = token;
            if (lowercase) t = t.toLowerCase(Locale.ROOT);
            if (stripAccents) t = stripAccents(t);
            splitPunctuation(t, out);
        }
        return out;
    }

    /** Drops NUL, U+FFFD and control characters; maps whitespace to a plain space. */
    static String clean(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) return;
            if (isWhitespace(cp)) sb.append(' ');
            else sb.appendCodePoint(cp);
        });
        return sb.toString();
    }

    static String spaceCjk(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (isCjk(cp)) sb.append(' ').appendCodePoint(cp).append(' ');
            else sb.appendCodePoint(cp);
        });
        return sb.toString();
    }

    static String stripAccents(String token) {
        String nfd = Normalizer.normalize(token, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(nfd.length());
        nfd.codePoints().forEach(cp -> {
            if (Character.getType(cp) != Character.NON_SPACING_MARK) sb.appendCodePoint(cp);
        });
        return sb.toString();
    }

    private static void splitPunctuation(String token, List<String> out) {
        StringBuilder word = new StringBuilder();
        token.codePoints().forEach(cp -> {
            if (isPunctuation(cp)) {
                if (!word.isEmpty()) out.add(word.toString());
                word.setLength(0);
                out.add(Character.toString(cp));
            } else {
                word.appendCodePoint(cp);
            }
        });
        if (!word.isEmpty()) out.add(word.toString());
    }

    /** Splits like Python's {@code str.split()}: on runs of any Unicode whitespace. */
    static List<String> splitWhitespace(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (isPythonSpace(cp)) {
                if (!word.isEmpty()) out.add(word.toString());
                word.setLength(0);
            } else {
                word.appendCodePoint(cp);
            }
        });
        if (!word.isEmpty()) out.add(word.toString());
        return out;
    }

    static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        int t = Character.getType(cp);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.UNASSIGNED
                || t == Character.PRIVATE_USE || t == Character.SURROGATE;
    }

    /** ASCII non-alphanumerics count as punctuation (as in BERT), plus every Unicode P* category. */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The CJK Unified Ideographs blocks (not Hangul, Hiragana or Katakana, which are split on spaces like Latin). */
    static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** Python's {@code str.isspace()} set, which {@code str.split()} uses. */
    static boolean isPythonSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }
}
