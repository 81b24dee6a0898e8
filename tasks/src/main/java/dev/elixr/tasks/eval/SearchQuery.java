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
 * A semantic-search query (ELIXR section 2.4) and its definition of an exact match: terms, each a finding with
 * optional attribute constraints, or {@code normal} for "no finding". Defaults: {@code search-queries.json}.
 */
public record SearchQuery(String text, boolean normal, List<Term> terms) {
    public record Term(String finding, Map<String, String> constraints) {}

    public static final String DEFAULT_RESOURCE = "/dev/elixr/tasks/eval/search-queries.json";

    public static List<SearchQuery> defaults() {
        try (InputStream in = SearchQuery.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return parse(new ObjectMapper().readTree(in), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the default search queries " + DEFAULT_RESOURCE, e);
        }
    }

    public static List<SearchQuery> load(Path file) throws IOException {
        return parse(JsonFile.read(file, "--queries"), "--queries " + file);
    }

    static List<SearchQuery> parse(JsonNode root, String source) {
        JsonNode qs = root.get("queries");
        if (qs == null || !qs.isArray()) throw new IllegalArgumentException(source + ": expected an array 'queries'");
        List<SearchQuery> out = new ArrayList<>();
        for (JsonNode q : qs) {
            String text = q.path("query").asText("");
            if (text.isBlank()) throw new IllegalArgumentException(source + ": a query without 'query' text");
            boolean normal = q.path("normal").asBoolean(false);
            List<Term> terms = new ArrayList<>();
            for (JsonNode t : q.path("terms")) {
                Map<String, String> c = new LinkedHashMap<>();
                String finding = null;
                for (var e : t.properties()) {
                    if (e.getKey().equals("finding")) finding = e.getValue().asText();
                    else c.put(e.getKey(), e.getValue().asText().toLowerCase());
                }
                if (finding == null) throw new IllegalArgumentException(source + ": query '" + text + "' has a term without 'finding'");
                if (!Findings.CHEXPERT_13.contains(finding))
                    throw new IllegalArgumentException(source + ": query '" + text + "': unknown finding '" + finding + "' (known: "
                            + Findings.CHEXPERT_13 + ")");
                terms.add(new Term(finding, c));
            }
            if (!normal && terms.isEmpty())
                throw new IllegalArgumentException(source + ": query '" + text + "' needs terms or \"normal\": true");
            out.add(new SearchQuery(text, normal, terms));
        }
        return out;
    }
}
