package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trains a byte-level BPE tokenizer (Sennrich et al. 2016; GPT-2's byte-level variant, Radford et al. 2019) and writes
 * it as a Hugging Face {@code tokenizer.json} that {@link BpeTokenizer} reads back. Words are split exactly as the
 * file's pre-tokenizer splits them when encoding (GPT-2's pattern, no prefix space), each as its bytes' GPT-2
 * characters; the initial vocabulary is the three special tokens {@code <pad> <s> </s>} and all 256 bytes, so every
 * text encodes and decodes back to itself. Then, until the vocabulary is full or no pair occurs twice, the most
 * frequent adjacent pair (counted over word frequencies; ties to the smaller pair of token texts, so training is
 * deterministic) becomes a merge. The post-processor puts {@code <s>} before a text, as Llama's tokenizers do.
 */
public final class BpeTrainer {
    public static final String PAD = "<pad>", BOS = "<s>", EOS = "</s>";
    public static final int PAD_ID = 0, BOS_ID = 1, EOS_ID = 2;
    private static final List<String> SPECIALS = List.of(PAD, BOS, EOS);
    /** Specials and the 256 byte tokens: the smallest vocabulary. */
    public static final int BASE_VOCAB = 3 + 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    private BpeTrainer() {}

    /** A tokenizer.json of at most vocabSize tokens trained on texts. */
    public static ObjectNode train(Iterable<String> texts, int vocabSize) {
        if (vocabSize < BASE_VOCAB) throw new IllegalArgumentException("BPE vocabulary of " + vocabSize + " tokens: at least " + BASE_VOCAB + " (3 special + 256 bytes) are needed");
        List<String> tokens = new ArrayList<>(SPECIALS);
        Map<String, Integer> ids = new HashMap<>();
        for (int b = 0; b < 256; b++) tokens.add(String.valueOf(ByteLevel.charOf(b)));
        for (int i = 0; i < tokens.size(); i++) ids.put(tokens.get(i), i);
        List<int[]> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        wordCounts(texts).forEach((w, c) -> {
            int[] symbols = new int[w.length()];
            for (int i = 0; i < symbols.length; i++) symbols[i] = ids.get(String.valueOf(w.charAt(i)));
            words.add(symbols);
            counts.add(c);
        });
        List<String[]> merges = new ArrayList<>();
        while (tokens.size() < vocabSize) {
            long best = bestPair(words, counts, tokens);
            if (best < 0) break;
            int a = (int) (best >>> 32), b = (int) best;
            String text = tokens.get(a) + tokens.get(b);
            Integer known = ids.get(text); // "abc" from (ab, c) and later from (a, bc): one token, two merges
            int merged = known != null ? known : tokens.size();
            if (known == null) {
                tokens.add(text);
                ids.put(text, merged);
            }
            merges.add(new String[] {tokens.get(a), tokens.get(b)});
            for (int w = 0; w < words.size(); w++) words.set(w, merge(words.get(w), a, b, merged));
        }
        return json(tokens, merges);
    }

    /** Writes a tokenizer.json. */
    public static void write(JsonNode tokenizer, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), tokenizer);
    }

    /** The pre-tokenised words of all texts (GPT-2 characters) with their counts, in sorted order. */
    private static Map<String, Integer> wordCounts(Iterable<String> texts) {
        PreTokenizer pre = PreTokenizer.of(preTokenizer(), "BPE training");
        Map<String, Integer> counts = new TreeMap<>();
        for (String t : texts) for (String w : pre.split(t, 0)) counts.merge(w, 1, Integer::sum);
        return counts;
    }

    /** The most frequent adjacent pair (a << 32 | b) occurring at least twice, or -1. */
    private static long bestPair(List<int[]> words, List<Integer> counts, List<String> tokens) {
        Map<Long, Integer> pairs = new HashMap<>();
        for (int w = 0; w < words.size(); w++) {
            int[] s = words.get(w);
            for (int i = 0; i + 1 < s.length; i++) pairs.merge(((long) s[i] << 32) | s[i + 1], counts.get(w), Integer::sum);
        }
        long best = -1;
        int bestCount = 1;
        for (Map.Entry<Long, Integer> e : pairs.entrySet()) {
            int c = e.getValue();
            if (c > bestCount || (c == bestCount && best >= 0 && before(e.getKey(), best, tokens))) {
                best = e.getKey();
                bestCount = c;
            }
        }
        return best;
    }

    private static boolean before(long p, long q, List<String> tokens) {
        int c = tokens.get((int) (p >>> 32)).compareTo(tokens.get((int) (q >>> 32)));
        return c != 0 ? c < 0 : tokens.get((int) p).compareTo(tokens.get((int) q)) < 0;
    }

    /** The word with every occurrence of the pair (a, b), left to right, replaced by merged. */
    private static int[] merge(int[] s, int a, int b, int merged) {
        int n = 0;
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
                out[n++] = merged;
                i++;
            } else {
                out[n++] = s[i];
            }
        }
        return n == s.length ? s : java.util.Arrays.copyOf(out, n);
    }

    private static ObjectNode preTokenizer() {
        return JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
    }

    private static ObjectNode json(List<String> tokens, List<String[]> merges) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIALS.size(); i++) {
            added.addObject().put("id", i).put("content", SPECIALS.get(i)).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", preTokenizer());
        ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
        post.putArray("single").add(special(BOS)).add(sequence("A"));
        post.putArray("pair").add(special(BOS)).add(sequence("A")).add(special(BOS)).add(sequence("B"));
        ObjectNode st = post.putObject("special_tokens").putObject(BOS).put("id", BOS);
        st.putArray("ids").add(BOS_ID);
        st.putArray("tokens").add(BOS);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        Map<String, Integer> ordered = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) ordered.putIfAbsent(tokens.get(i), i);
        ordered.forEach(vocab::put);
        ArrayNode m = model.putArray("merges");
        for (String[] pair : merges) m.addArray().add(pair[0]).add(pair[1]);
        return root;
    }

    private static ObjectNode special(String id) {
        ObjectNode n = JSON.createObjectNode();
        n.putObject("SpecialToken").put("id", id).put("type_id", 0);
        return n;
    }

    private static ObjectNode sequence(String id) {
        ObjectNode n = JSON.createObjectNode();
        n.putObject("Sequence").put("id", id).put("type_id", 0);
        return n;
    }
}
