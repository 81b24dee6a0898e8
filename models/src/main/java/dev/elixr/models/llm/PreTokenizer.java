package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code pre_tokenizer} of a tokenizer.json: splits a stretch of normalised text into the words BPE sees.
 * Split (a pattern; Isolated, Removed, MergedWithPrevious or MergedWithNext), ByteLevel (optional prefix space, GPT-2's
 * split pattern with use_regex, then every UTF-8 byte as its GPT-2 character), Metaspace (spaces as '▁', a leading
 * '▁' always or for the first stretch only, optionally split before each '▁'), Digits (each digit, or each run of
 * digits, on its own: SmolLM) and Sequence. Others are refused.
 */
interface PreTokenizer {
    /** Words of a stretch of text; section is the stretch's index among those between added tokens. */
    List<String> split(String text, int section);

    static PreTokenizer of(JsonNode n, String where) {
        if (n == null || n.isNull() || n.isMissingNode()) return (s, i) -> List.of(s);
        String type = n.path("type").asText();
        return switch (type) {
            case "Sequence" -> {
                List<PreTokenizer> steps = new ArrayList<>();
                for (JsonNode c : n.path("pretokenizers")) steps.add(of(c, where));
                yield (s, section) -> {
                    List<String> words = List.of(s);
                    for (PreTokenizer p : steps) {
                        List<String> next = new ArrayList<>();
                        for (String w : words) next.addAll(p.split(w, section));
                        words = next;
                    }
                    return words;
                };
            }
            case "Split" -> split(Patterns.of(n.path("pattern"), where), n.path("behavior").asText("Isolated"), n.path("invert").asBoolean(false), where);
            case "ByteLevel" -> {
                boolean prefix = n.path("add_prefix_space").asBoolean(true), regex = n.path("use_regex").asBoolean(true);
                PreTokenizer gpt2 = split(Patterns.regex(ByteLevel.GPT2_PATTERN, where), "Isolated", false, where);
                yield (s, section) -> {
                    String t = prefix && !s.startsWith(" ") ? " " + s : s;
                    List<String> words = regex ? gpt2.split(t, section) : List.of(t);
                    return words.stream().map(ByteLevel::encode).toList();
                };
            }
            case "Metaspace" -> {
                String rep = n.path("replacement").asText("▁");
                String scheme = n.path("prepend_scheme").asText(n.path("add_prefix_space").asBoolean(true) ? "always" : "never");
                boolean splitWords = n.path("split").asBoolean(true);
                yield (s, section) -> {
                    String t = s.replace(" ", rep);
                    boolean prepend = scheme.equals("always") || scheme.equals("first") && section == 0;
                    if (prepend && !t.startsWith(rep)) t = rep + t;
                    return splitWords ? List.of(t.split("(?=" + Pattern.quote(rep) + ")")) : List.of(t);
                };
            }
            case "Digits" -> split(Pattern.compile(n.path("individual_digits").asBoolean(false) ? "\\p{N}" : "\\p{N}+"), "Isolated", false, where);
            default -> throw new IllegalArgumentException(where + ": pre_tokenizer type '" + type + "' is not supported (Sequence, Split, ByteLevel, Metaspace, Digits)");
        };
    }

    private static PreTokenizer split(Pattern p, String behavior, boolean invert, String where) {
        if (invert && !behavior.equals("Isolated")) {
            throw new IllegalArgumentException(where + ": Split with invert and behavior " + behavior + " is not supported");
        }
        if (!List.of("Isolated", "Removed", "MergedWithPrevious", "MergedWithNext").contains(behavior)) {
            throw new IllegalArgumentException(where + ": Split behavior '" + behavior + "' is not supported (Isolated, Removed, MergedWithPrevious, MergedWithNext)");
        }
        return (s, section) -> {
            List<String> out = new ArrayList<>();
            Matcher m = p.matcher(s);
            int last = 0;
            String carry = "";
            while (m.find()) {
                if (m.end() == m.start()) continue;
                String gap = s.substring(last, m.start()), match = m.group();
                switch (behavior) {
                    case "Isolated" -> { add(out, gap); add(out, match); }
                    case "Removed" -> add(out, gap);
                    case "MergedWithPrevious" -> add(out, gap + match);
                    default -> { add(out, carry + gap); carry = match; } // MergedWithNext
                }
                last = m.end();
            }
            add(out, carry + s.substring(last));
            return out;
        };
    }

    private static void add(List<String> out, String s) { if (!s.isEmpty()) out.add(s); }
}
