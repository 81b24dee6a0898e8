package dev.elixr.models.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A WordPiece vocabulary: one token per line of {@code vocab.txt}, the line number (from 0) being its id. */
public final class Vocab {
    private final List<String> tokens;
    private final Map<String, Integer> ids;

    public Vocab(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) ids.putIfAbsent(tokens.get(i), i);
    }

    /** Reads a {@code vocab.txt} (UTF-8, one token per line; a trailing newline is allowed). */
    public static Vocab read(Path file) {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            for (int i = 0; i < lines.size(); i++) lines.set(i, stripCr(lines.get(i)));
            if (lines.isEmpty()) throw new IllegalArgumentException("vocabulary " + file + " is empty");
            return new Vocab(lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vocabulary " + file + ": " + e.getMessage(), e);
        }
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    public int size() { return tokens.size(); }

    public boolean contains(String token) { return ids.containsKey(token); }

    /** The id of token, or -1 when it is not in the vocabulary. */
    public int idOrMissing(String token) { return ids.getOrDefault(token, -1); }

    /** The id of a token that must be present (special tokens). */
    public int id(String token) {
        Integer id = ids.get(token);
        if (id == null) throw new IllegalArgumentException("token " + token + " is not in the vocabulary (" + size() + " tokens)");
        return id;
    }

    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IndexOutOfBoundsException("token id " + id + " outside the vocabulary [0, " + tokens.size() + ")");
        }
        return tokens.get(id);
    }
}
