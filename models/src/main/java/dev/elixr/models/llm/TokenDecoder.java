package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code decoder} of a tokenizer.json, read as a map from each token to the bytes it stands for plus a number of
 * leading spaces to drop at the start of the text — the form that also serves streaming ({@link StreamDecoder}).
 * ByteLevel: the token's GPT-2 characters back to bytes (an added token's own text when it has other characters).
 * The SentencePiece chain: Replace ('▁' → ' '), ByteFallback ({@code <0xXX>} → that byte), Fuse, Strip (leading
 * spaces), or Metaspace ('▁' → ' ', dropping the first space unless prepend_scheme is never). Others are refused.
 */
final class TokenDecoder {
    private boolean byteLevel, byteFallback;
    private final List<String[]> replacements = new ArrayList<>();
    private int stripLeading;

    private TokenDecoder() {}

    static TokenDecoder of(JsonNode n, String where) {
        TokenDecoder d = new TokenDecoder();
        if (n != null && !n.isNull() && !n.isMissingNode()) d.add(n, where);
        return d;
    }

    private void add(JsonNode n, String where) {
        String type = n.path("type").asText();
        switch (type) {
            case "Sequence" -> { for (JsonNode c : n.path("decoders")) add(c, where); }
            case "ByteLevel" -> byteLevel = true;
            case "ByteFallback" -> byteFallback = true;
            case "Fuse" -> { }
            case "Replace" -> {
                JsonNode p = n.path("pattern");
                if (!p.hasNonNull("String")) throw new IllegalArgumentException(where + ": decoder Replace with a regex pattern is not supported");
                replacements.add(new String[] {p.get("String").asText(), n.path("content").asText()});
            }
            case "Strip" -> {
                if (!n.path("content").asText(" ").equals(" ") || n.path("stop").asInt(0) != 0) {
                    throw new IllegalArgumentException(where + ": decoder Strip other than leading spaces is not supported");
                }
                stripLeading += n.path("start").asInt(0);
            }
            case "Metaspace" -> {
                replacements.add(new String[] {n.path("replacement").asText("▁"), " "});
                String scheme = n.path("prepend_scheme").asText(n.path("add_prefix_space").asBoolean(true) ? "always" : "never");
                if (!scheme.equals("never")) stripLeading += 1;
            }
            default -> throw new IllegalArgumentException(where + ": decoder type '" + type + "' is not supported "
                    + "(ByteLevel, Sequence, Replace, ByteFallback, Fuse, Strip, Metaspace)");
        }
    }

    /** Leading spaces dropped at the start of a decoded text. */
    int stripLeading() { return stripLeading; }

    /** The bytes one token stands for. */
    byte[] bytes(String token) {
        if (byteLevel) {
            byte[] b = ByteLevel.decode(token);
            return b != null ? b : token.getBytes(StandardCharsets.UTF_8);
        }
        if (byteFallback && token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
            try {
                return new byte[] {(byte) Integer.parseInt(token.substring(3, 5), 16)};
            } catch (NumberFormatException e) {
                // not a byte token: falls through to its text
            }
        }
        String t = token;
        for (String[] r : replacements) t = t.replace(r[0], r[1]);
        return t.getBytes(StandardCharsets.UTF_8);
    }
}
