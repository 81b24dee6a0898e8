package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A tokenizer.json pattern ({@code {"String": …}} or {@code {"Regex": …}}) as a Java regex. The Regex flavour of
 * Hugging Face (Oniguruma / Rust regex) reads as Java's with Unicode character classes ({@code \s}, {@code \w} and
 * case-insensitivity over all of Unicode, as there).
 */
final class Patterns {
    private Patterns() {}

    static Pattern of(JsonNode p, String where) {
        if (p.hasNonNull("String")) return Pattern.compile(Pattern.quote(p.get("String").asText()));
        if (p.hasNonNull("Regex")) return regex(p.get("Regex").asText(), where);
        throw new IllegalArgumentException(where + ": pattern " + p + " is neither a String nor a Regex");
    }

    static Pattern regex(String regex, String where) {
        try {
            return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(where + ": the split pattern " + regex + " is not a regex Java reads: " + e.getDescription(), e);
        }
    }
}
