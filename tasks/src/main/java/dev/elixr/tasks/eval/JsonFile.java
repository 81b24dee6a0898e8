package dev.elixr.tasks.eval;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A user-given JSON file (prompts, search queries), read so that every refusal names the file, the option that gave it
 * and, for a syntax error, the line and column: missing, empty and unparseable files alike.
 */
final class JsonFile {
    private JsonFile() {}

    /** The file's root object, or an {@link IllegalArgumentException} starting with {@code option file:}. */
    static JsonNode read(Path file, String option) throws IOException {
        String where = option + " " + file;
        if (!Files.exists(file)) throw new IllegalArgumentException(where + ": no such file");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(where + ": not a regular file");
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException(where + ": not UTF-8 text");
        }
        if (text.isBlank()) throw new IllegalArgumentException(where + ": the file is empty (expected a JSON object)");
        try {
            JsonNode root = new ObjectMapper().readTree(text);
            if (root == null || !root.isObject()) throw new IllegalArgumentException(where + ": expected a JSON object at the top");
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException(where + (at == null ? "" : ": line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("")
                    .replaceAll("\\s*\\(start marker at \\[Source:.*", "").replaceAll("\\s*at \\[Source:.*", "") + ")");
        }
    }
}
