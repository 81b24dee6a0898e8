package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * The tokenizer stored in a GGUF file's {@code tokenizer.ggml.*} metadata, as the equivalent tokenizer.json: byte-level
 * BPE ({@code tokenizer.ggml.model} gpt2) with tokens, merges and token types (control tokens become special added
 * tokens, user-defined ones plain added tokens), the pre-tokenizer named by {@code tokenizer.ggml.pre} (llama-bpe:
 * Llama 3's split pattern and whole-word lookup; qwen2; default/gpt2: GPT-2's), BOS added when
 * {@code add_bos_token}. SentencePiece-style vocabularies ({@code llama}) and other pre-tokenizers are refused.
 */
final class GgufTokenizer {
    static final String LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final int CONTROL = 3, USER_DEFINED = 4;

    private GgufTokenizer() {}

    static BpeTokenizer read(Gguf g, String where) {
        Map<String, Object> m = g.metadata();
        String model = String.valueOf(m.getOrDefault("tokenizer.ggml.model", ""));
        if (!model.equals("gpt2")) {
            throw new IllegalArgumentException(where + ": GGUF tokenizer model '" + model + "' is not supported (gpt2: byte-level BPE); "
                    + "give a tokenizer.json beside the file instead");
        }
        String pre = String.valueOf(m.getOrDefault("tokenizer.ggml.pre", "default"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        List<?> tokens = (List<?>) g.require("tokenizer.ggml.tokens");
        List<?> types = (List<?>) m.getOrDefault("tokenizer.ggml.token_type", List.of());
        ObjectNode vocab = json.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < tokens.size(); i++) {
            String t = (String) tokens.get(i);
            int type = i < types.size() ? ((Number) types.get(i)).intValue() : 1;
            if (type == CONTROL || type == USER_DEFINED) {
                added.addObject().put("id", i).put("content", t).put("special", type == CONTROL);
            } else {
                vocab.put(t, i);
            }
        }
        ObjectNode bpe = root.putObject("model").put("type", "BPE").put("ignore_merges", pre.equals("llama-bpe"));
        bpe.set("vocab", vocab);
        ArrayNode merges = bpe.putArray("merges");
        for (Object merge : (List<?>) m.getOrDefault("tokenizer.ggml.merges", List.of())) merges.add((String) merge);
        root.set("pre_tokenizer", switch (pre) {
            case "llama-bpe", "llama3" -> split(json, LLAMA3_SPLIT);
            case "qwen2" -> split(json, QWEN2_SPLIT);
            case "default", "gpt2" -> json.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false).put("use_regex", true);
            default -> throw new IllegalArgumentException(where + ": GGUF pre-tokenizer '" + pre + "' is not supported (llama-bpe, qwen2, default)");
        });
        root.putObject("decoder").put("type", "ByteLevel");
        Object bos = m.get("tokenizer.ggml.bos_token_id");
        if (Boolean.TRUE.equals(m.get("tokenizer.ggml.add_bos_token")) && bos instanceof Number b) {
            ObjectNode tp = root.putObject("post_processor").put("type", "TemplateProcessing");
            String content = (String) tokens.get(b.intValue());
            tp.putArray("single").addObject().putObject("SpecialToken").put("id", content);
            ((ArrayNode) tp.get("single")).addObject().putObject("Sequence").put("id", "A");
            tp.putObject("special_tokens").putObject(content).put("id", content).putArray("ids").add(b.intValue());
        }
        return BpeTokenizer.fromJson(root, where);
    }

    private static JsonNode split(ObjectMapper json, String regex) {
        ObjectNode seq = json.createObjectNode().put("type", "Sequence");
        ArrayNode steps = seq.putArray("pretokenizers");
        ObjectNode s = steps.addObject().put("type", "Split").put("behavior", "Isolated").put("invert", false);
        s.putObject("pattern").put("Regex", regex);
        steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("use_regex", false);
        return seq;
    }
}
