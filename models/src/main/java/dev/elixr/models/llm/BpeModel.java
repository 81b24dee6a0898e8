package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Byte-pair encoding of one pre-tokenised word (Sennrich et al. 2016; the {@code model} of a Hugging Face
 * tokenizer.json of type BPE): the word's characters are merged pairwise, always the adjacent pair of lowest merge
 * rank and the leftmost of equals, until no pair has a rank. A piece outside the vocabulary becomes its UTF-8 bytes as
 * {@code <0xXX>} tokens when byte_fallback is on (SentencePiece-style models: Llama 2, TinyLlama), else the unknown
 * token (consecutive ones fused into one with fuse_unk). With ignore_merges (Llama 3) a word already in the vocabulary
 * is taken whole.
 */
final class BpeModel {
    private final Map<String, Integer> vocab;
    private final Map<Long, Integer> ranks = new HashMap<>();
    private final Integer unk;
    private final boolean byteFallback, fuseUnk, ignoreMerges;
    private final int[] byteTokens = new int[256];

    BpeModel(JsonNode m, String where) {
        if (!m.path("type").asText("BPE").equals("BPE")) {
            throw new IllegalArgumentException(where + ": model type '" + m.path("type").asText() + "' is not supported (BPE)");
        }
        if (m.hasNonNull("continuing_subword_prefix") || m.hasNonNull("end_of_word_suffix")) {
            throw new IllegalArgumentException(where + ": BPE with continuing_subword_prefix or end_of_word_suffix is not supported");
        }
        vocab = new HashMap<>();
        m.path("vocab").properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        String unkToken = m.path("unk_token").isTextual() ? m.get("unk_token").asText() : null;
        unk = unkToken == null ? null : vocab.get(unkToken);
        byteFallback = m.path("byte_fallback").asBoolean(false);
        fuseUnk = m.path("fuse_unk").asBoolean(false);
        ignoreMerges = m.path("ignore_merges").asBoolean(false);
        for (int b = 0; b < 256; b++) byteTokens[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
        int rank = 0;
        for (JsonNode merge : m.path("merges")) {
            String a, b;
            if (merge.isArray()) {
                a = merge.get(0).asText();
                b = merge.get(1).asText();
            } else {
                String s = merge.asText();
                int sp = s.indexOf(' ');
                if (sp < 0) throw new IllegalArgumentException(where + ": merge '" + s + "' is not two tokens separated by a space");
                a = s.substring(0, sp);
                b = s.substring(sp + 1);
            }
            Integer ia = vocab.get(a), ib = vocab.get(b), merged = vocab.get(a + b);
            if (ia == null || ib == null || merged == null) {
                throw new IllegalArgumentException(where + ": merge '" + a + " " + b + "' uses a token outside the vocabulary");
            }
            ranks.putIfAbsent(pair(ia, ib), rank++);
        }
    }

    private static long pair(int a, int b) { return ((long) a << 32) | (b & 0xffffffffL); }

    Map<String, Integer> vocab() { return vocab; }

    /** Appends the ids of one word to out. */
    void encode(String word, List<Integer> out) {
        if (word.isEmpty()) return;
        Integer whole = ignoreMerges ? vocab.get(word) : null;
        if (whole != null) {
            out.add(whole);
            return;
        }
        List<String> symbols = new ArrayList<>();
        word.codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
        List<Integer> ids = new ArrayList<>(symbols.size());
        for (String s : symbols) ids.add(vocab.getOrDefault(s, -1));
        while (true) {
            int best = -1, bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < ids.size(); i++) {
                if (ids.get(i) < 0 || ids.get(i + 1) < 0) continue;
                Integer r = ranks.get(pair(ids.get(i), ids.get(i + 1)));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) break;
            String merged = symbols.get(best) + symbols.get(best + 1);
            symbols.set(best, merged);
            ids.set(best, vocab.get(merged));
            symbols.remove(best + 1);
            ids.remove(best + 1);
        }
        boolean lastUnk = false;
        for (int i = 0; i < ids.size(); i++) {
            int id = ids.get(i);
            if (id >= 0) {
                out.add(id);
                lastUnk = false;
            } else if (byteFallback && bytesKnown(symbols.get(i))) {
                for (byte b : symbols.get(i).getBytes(StandardCharsets.UTF_8)) out.add(byteTokens[b & 0xff]);
                lastUnk = false;
            } else {
                if (unk == null) throw new IllegalArgumentException("'" + symbols.get(i) + "' is outside the vocabulary and the tokenizer has no unk_token");
                if (!(fuseUnk && lastUnk)) out.add(unk);
                lastUnk = true;
            }
        }
    }

    private boolean bytesKnown(String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) if (byteTokens[b & 0xff] < 0) return false;
        return true;
    }
}
