package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zero-shot prompt pairs per finding (ELIXR section 2.3: a positive and a negative prompt; lists are
 * ensembles whose embeddings are averaged). Default: {@code zero-shot-prompts.json} shipped as a resource.
 */
public record Prompts(Map<String, Pair> byFinding) {
    public record Pair(List<String> positive, List<String> negative) {}

    public static final String DEFAULT_RESOURCE = "/dev/elixr/tasks/eval/zero-shot-prompts.json";

    public static Prompts defaults() {
        try (InputStream in = Prompts.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return parse(new ObjectMapper().readTree(in), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the default prompts " + DEFAULT_RESOURCE, e);
        }
    }

    /**
     * A prompts file given with {@code --prompts}: {@code {"findings": {"Atelectasis": {"positive": [...], "negative":
     * [...]}, ...}}} with all 13 findings; a missing, empty or unparseable file, an unknown or missing finding and a
     * finding without a prompt on either side are refused naming the file (and the line, or the finding).
     */
    public static Prompts load(Path file) throws IOException {
        Prompts p = parse(JsonFile.read(file, "--prompts"), "--prompts " + file);
        List<String> missing = Findings.CHEXPERT_13.stream().filter(f -> !p.byFinding().containsKey(f)).toList();
        if (!missing.isEmpty())
            throw new IllegalArgumentException("--prompts " + file + ": no prompts for " + missing + " (zero-shot scores all 13 findings)");
        return p;
    }

    private static Prompts parse(JsonNode root, String source) {
        JsonNode f = root.get("findings");
        if (f == null || !f.isObject()) throw new IllegalArgumentException(source + ": expected an object 'findings'");
        Map<String, Pair> out = new LinkedHashMap<>();
        for (var e : f.properties()) {
            if (!Findings.CHEXPERT_13.contains(e.getKey()))
                throw new IllegalArgumentException(source + ": unknown finding '" + e.getKey() + "' (known: " + Findings.CHEXPERT_13 + ")");
            out.put(e.getKey(), new Pair(texts(e.getValue(), "positive", source, e.getKey()),
                    texts(e.getValue(), "negative", source, e.getKey())));
        }
        return new Prompts(out);
    }

    private static List<String> texts(JsonNode pair, String side, String source, String finding) {
        JsonNode n = pair.get(side);
        List<String> out = new ArrayList<>();
        if (n != null && n.isTextual()) n = new ObjectMapper().createArrayNode().add(n);
        if (n != null && n.isArray()) {
            for (JsonNode t : n) {
                if (!t.isTextual() || t.asText().isBlank())
                    throw new IllegalArgumentException(source + ": finding '" + finding + "': " + side + " prompt " + (out.size() + 1)
                            + " is not a non-empty string (" + t + ")");
                out.add(t.asText());
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException(source + ": finding '" + finding + "' has no " + side + " prompt");
        return out;
    }
}
