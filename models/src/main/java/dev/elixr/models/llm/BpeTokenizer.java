package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A Hugging Face {@code tokenizer.json} with a BPE model: byte-level BPE (GPT-2, Llama 3, Qwen2, SmolLM: a ByteLevel
 * pre-tokenizer, often after a Split by the file's own regex) and SentencePiece-style BPE with byte fallback
 * (Llama 2, TinyLlama: '▁' for spaces by normalizer or Metaspace). Encoding: added tokens found first
 * ({@link AddedTokens}), each stretch between them normalised ({@link Normalizer}), split into words
 * ({@link PreTokenizer}) and byte-pair encoded ({@link BpeModel}); with special tokens, the post-processor's
 * template (BOS …) is applied ({@link PostProcessor}). Decoding maps tokens back to bytes ({@link TokenDecoder}), also
 * one token at a time ({@link #streamDecoder}).
 */
public final class BpeTokenizer {
    private final BpeModel model;
    private final AddedTokens added;
    private final UnaryOperator<String> normalizer;
    private final PreTokenizer preTokenizer;
    private final UnaryOperator<List<Integer>> postProcessor;
    private final TokenDecoder decoder;
    private final String[] tokens;

    private BpeTokenizer(JsonNode j, String where) {
        this.model = new BpeModel(j.path("model"), where);
        this.added = new AddedTokens(j.path("added_tokens"));
        this.normalizer = Normalizer.of(j.get("normalizer"), where);
        this.preTokenizer = PreTokenizer.of(j.get("pre_tokenizer"), where);
        this.postProcessor = PostProcessor.of(j.get("post_processor"), where);
        this.decoder = TokenDecoder.of(j.get("decoder"), where);
        int size = 0;
        for (int id : model.vocab().values()) size = Math.max(size, id + 1);
        for (int id : added.all().keySet()) size = Math.max(size, id + 1);
        this.tokens = new String[size];
        model.vocab().forEach((t, id) -> tokens[id] = t);
        added.all().forEach((id, t) -> tokens[id] = t.content());
    }

    /** A tokenizer.json file, or a folder holding one. */
    public static BpeTokenizer read(Path fileOrDir) {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve("tokenizer.json") : fileOrDir;
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no tokenizer.json at " + file);
        try {
            return new BpeTokenizer(new ObjectMapper().readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A parsed tokenizer.json; where names it in messages. */
    static BpeTokenizer fromJson(JsonNode json, String where) { return new BpeTokenizer(json, where); }

    /** The tokenizer of a model: tokenizer.json beside it (a folder, or beside a GGUF file), else the one inside a GGUF file. */
    public static BpeTokenizer forModel(Path model) {
        Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) return read(dir);
        if (model.toString().endsWith(".gguf")) {
            try {
                return GgufTokenizer.read(Gguf.open(model), model.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + model + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("no tokenizer.json in " + dir);
    }

    /** Ids of text with the post-processor's special tokens (as Hugging Face's encode does by default). */
    public int[] encode(String text) { return encode(text, true); }

    public int[] encode(String text, boolean addSpecialTokens) {
        List<Integer> ids = new ArrayList<>();
        int section = 0;
        for (AddedTokens.Piece p : added.split(text)) {
            if (p.token() != null) {
                ids.add(p.token().id());
                continue;
            }
            String normal = normalizer.apply(p.text());
            if (!normal.isEmpty()) for (String word : preTokenizer.split(normal, section)) model.encode(word, ids);
            section++;
        }
        if (addSpecialTokens) ids = postProcessor.apply(ids);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The text of ids; special tokens (BOS, EOS, chat markers) left out when skipSpecial. */
    public String decode(int[] ids, boolean skipSpecial) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) if (!(skipSpecial && isSpecial(id))) out.writeBytes(tokenBytes(id));
        byte[] b = out.toByteArray();
        int start = 0;
        while (start < b.length && start < decoder.stripLeading() && b[start] == ' ') start++;
        return new String(b, start, b.length - start, StandardCharsets.UTF_8);
    }

    /** A decoder that turns ids into text one at a time, holding back incomplete UTF-8 characters. */
    public StreamDecoder streamDecoder(boolean skipSpecial) { return new StreamDecoder(this, skipSpecial, decoder.stripLeading()); }

    /** Number of token ids (the largest id + 1). */
    public int size() { return tokens.length; }

    /** The token text of an id, or null for an unused id. */
    public String token(int id) {
        if (id < 0 || id >= tokens.length) throw new IllegalArgumentException("token id " + id + " is outside [0, " + tokens.length + ")");
        return tokens[id];
    }

    /** The id of a token text (added tokens included), or -1. */
    public int id(String token) {
        Integer id = model.vocab().get(token);
        if (id != null) return id;
        for (AddedTokens.Token t : added.all().values()) if (t.content().equals(token)) return t.id();
        return -1;
    }

    /** True for an added token marked special. */
    public boolean isSpecial(int id) {
        AddedTokens.Token t = added.get(id);
        return t != null && t.special();
    }

    byte[] tokenBytes(int id) {
        String t = token(id);
        if (t == null) throw new IllegalArgumentException("token id " + id + " has no token in this tokenizer");
        return decoder.bytes(t);
    }
}
