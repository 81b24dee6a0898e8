package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code added_tokens} of a tokenizer.json (BOS, EOS, chat markers, …): found in the raw text before anything
 * else, the longest first at each position, so that "&lt;|eot_id|&gt;" inside a text is one token; lstrip/rstrip
 * swallow the whitespace beside them. The stretches between them go on to normalisation and BPE.
 */
final class AddedTokens {
    record Token(int id, String content, boolean special, boolean lstrip, boolean rstrip) {}

    /** A stretch of text, or an added token (token non-null). */
    record Piece(String text, Token token) {}

    private final List<Token> byLength = new ArrayList<>();
    private final Map<Integer, Token> byId = new HashMap<>();

    AddedTokens(JsonNode list) {
        for (JsonNode t : list) {
            Token tok = new Token(t.path("id").asInt(), t.path("content").asText(), t.path("special").asBoolean(false),
                    t.path("lstrip").asBoolean(false), t.path("rstrip").asBoolean(false));
            byLength.add(tok);
            byId.put(tok.id(), tok);
        }
        byLength.sort(Comparator.comparingInt((Token t) -> t.content().length()).reversed());
    }

    Token get(int id) { return byId.get(id); }

    Map<Integer, Token> all() { return byId; }

    /** The text cut at every added token. */
    List<Piece> split(String text) {
        List<Piece> out = new ArrayList<>();
        int start = 0, i = 0;
        while (i < text.length()) {
            Token hit = null;
            for (Token t : byLength) {
                if (!t.content().isEmpty() && text.startsWith(t.content(), i)) {
                    hit = t;
                    break;
                }
            }
            if (hit == null) {
                i++;
                continue;
            }
            out.add(new Piece(text.substring(start, i), null));
            out.add(new Piece(hit.content(), hit));
            i += hit.content().length();
            start = i;
        }
        out.add(new Piece(text.substring(start), null));
        for (int k = 0; k < out.size(); k++) {
            Token t = out.get(k).token();
            if (t == null) continue;
            if (t.lstrip() && k > 0) out.set(k - 1, new Piece(out.get(k - 1).text().stripTrailing(), null));
            if (t.rstrip() && k + 1 < out.size()) out.set(k + 1, new Piece(out.get(k + 1).text().stripLeading(), null));
        }
        out.removeIf(p -> p.token() == null && p.text().isEmpty());
        return out;
    }
}
