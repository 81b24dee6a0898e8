package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The {@code normalizer} of a tokenizer.json, applied to each stretch of text between added tokens: Sequence,
 * Prepend (SentencePiece's leading '▁'), Replace (a string or a regex), NFC/NFD/NFKC/NFKD, Lowercase, Strip.
 * Any other type is refused naming it.
 */
final class Normalizer {
    private Normalizer() {}

    /** The normalizer of the JSON node (identity for null). */
    static UnaryOperator<String> of(JsonNode n, String where) {
        if (n == null || n.isNull() || n.isMissingNode()) return s -> s;
        String type = n.path("type").asText();
        return switch (type) {
            case "Sequence" -> {
                List<UnaryOperator<String>> steps = new ArrayList<>();
                for (JsonNode c : n.path("normalizers")) steps.add(of(c, where));
                yield s -> {
                    for (UnaryOperator<String> f : steps) s = f.apply(s);
                    return s;
                };
            }
            case "Prepend" -> {
                String p = n.path("prepend").asText();
                yield s -> s.isEmpty() ? s : p + s;
            }
            case "Replace" -> {
                Pattern pattern = Patterns.of(n.path("pattern"), where);
                String content = n.path("content").asText();
                yield s -> pattern.matcher(s).replaceAll(java.util.regex.Matcher.quoteReplacement(content));
            }
            case "NFC" -> s -> java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFC);
            case "NFD" -> s -> java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD);
            case "NFKC" -> s -> java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKC);
            case "NFKD" -> s -> java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKD);
            case "Lowercase" -> s -> s.toLowerCase(Locale.ROOT);
            case "Strip" -> {
                boolean left = n.path("strip_left").asBoolean(true), right = n.path("strip_right").asBoolean(true);
                yield s -> left && right ? s.strip() : left ? s.stripLeading() : right ? s.stripTrailing() : s;
            }
            default -> throw new IllegalArgumentException(where + ": normalizer type '" + type + "' is not supported "
                    + "(Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Lowercase, Strip)");
        };
    }
}
