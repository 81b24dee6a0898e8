package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shape of a Llama-family decoder (Touvron et al. 2023; Llama 3, Dubey et al. 2024) read from a Hugging Face
 * {@code config.json} of {@code model_type} llama (also SmolLM, TinyLlama), mistral or qwen2, with their defaults.
 * Grouped-query attention: {@code numKvHeads} ≤ {@code numHeads}, each KV head serving numHeads/numKvHeads query heads.
 * Biases: {@code attention_bias} puts them on q, k, v and o (Llama); Qwen2 always has them on q, k and v alone.
 */
public record LlamaConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                          int numHeads, int numKvHeads, int headDim, float rmsNormEps, double ropeTheta, RopeScaling ropeScaling,
                          boolean qkvBias, boolean oBias, boolean mlpBias, boolean tieWordEmbeddings, int maxPositionEmbeddings,
                          int slidingWindow, int bosTokenId, int[] eosTokenIds) {

    /** Llama-3 frequency scaling of the rotary embedding ({@code rope_type: llama3}), or linear scaling (factor only). */
    public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {}

    public LlamaConfig {
        if (hiddenSize <= 0 || numLayers <= 0 || numHeads <= 0 || numKvHeads <= 0 || vocabSize <= 0 || intermediateSize <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("LlamaConfig: sizes must be positive (vocab " + vocabSize + ", hidden " + hiddenSize
                    + ", intermediate " + intermediateSize + ", layers " + numLayers + ", heads " + numHeads + "/" + numKvHeads
                    + ", head_dim " + headDim + ")");
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("LlamaConfig: " + numHeads + " attention heads are not a multiple of " + numKvHeads + " key-value heads");
        }
        if (headDim % 2 != 0) throw new IllegalArgumentException("LlamaConfig: head_dim " + headDim + " is odd; rotary embeddings need pairs");
        eosTokenIds = eosTokenIds.clone();
    }

    @Override public int[] eosTokenIds() { return eosTokenIds.clone(); }

    /** Query heads per key-value head. */
    public int groups() { return numHeads / numKvHeads; }

    /** config.json of a model folder. */
    public static LlamaConfig read(Path configJson) {
        try {
            return fromJson(new ObjectMapper().readTree(Files.readString(configJson)), configJson.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + configJson + ": " + e.getMessage(), e);
        }
    }

    /** From a parsed config.json; where names the file in messages. */
    public static LlamaConfig fromJson(JsonNode c, String where) {
        String type = c.path("model_type").asText("");
        if (!type.equals("llama") && !type.equals("mistral") && !type.equals("qwen2")) {
            throw new IllegalArgumentException(where + ": model_type '" + type + "' is not supported by the Llama-family decoder "
                    + "(supported: llama, mistral, qwen2)");
        }
        String act = c.path("hidden_act").asText("silu");
        if (!act.equals("silu")) throw new IllegalArgumentException(where + ": hidden_act '" + act + "' is not supported (silu)");
        int hidden = required(c, "hidden_size", where), heads = required(c, "num_attention_heads", where);
        int kv = c.path("num_key_value_heads").isNull() || c.path("num_key_value_heads").isMissingNode() ? heads : c.get("num_key_value_heads").asInt();
        int headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : hidden / heads;
        boolean qwen = type.equals("qwen2");
        boolean attnBias = c.path("attention_bias").asBoolean(false);
        int window = 0;
        if (type.equals("mistral") && c.hasNonNull("sliding_window")) window = c.get("sliding_window").asInt();
        if (qwen && c.path("use_sliding_window").asBoolean(false) && c.hasNonNull("sliding_window")) window = c.get("sliding_window").asInt();
        return new LlamaConfig(type, required(c, "vocab_size", where), hidden, required(c, "intermediate_size", where),
                required(c, "num_hidden_layers", where), heads, kv, headDim,
                (float) c.path("rms_norm_eps").asDouble(1e-6), c.path("rope_theta").asDouble(qwen ? 1e6 : 10000.0),
                ropeScaling(c.path("rope_scaling"), where), qwen || attnBias, !qwen && attnBias, c.path("mlp_bias").asBoolean(false),
                c.path("tie_word_embeddings").asBoolean(false), c.path("max_position_embeddings").asInt(2048), window,
                c.path("bos_token_id").asInt(-1), eos(c.path("eos_token_id")));
    }

    /** This shape as a Hugging Face config.json (what {@link #fromJson} reads back). */
    public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        var j = new ObjectMapper().createObjectNode();
        j.put("model_type", modelType);
        j.putArray("architectures").add(switch (modelType) {
            case "qwen2" -> "Qwen2ForCausalLM";
            case "mistral" -> "MistralForCausalLM";
            default -> "LlamaForCausalLM";
        });
        j.put("vocab_size", vocabSize).put("hidden_size", hiddenSize).put("intermediate_size", intermediateSize)
                .put("num_hidden_layers", numLayers).put("num_attention_heads", numHeads).put("num_key_value_heads", numKvHeads)
                .put("head_dim", headDim).put("hidden_act", "silu").put("max_position_embeddings", maxPositionEmbeddings)
                .put("rms_norm_eps", rmsNormEps).put("rope_theta", ropeTheta).put("tie_word_embeddings", tieWordEmbeddings)
                .put("mlp_bias", mlpBias).put("torch_dtype", "float32");
        if (!modelType.equals("qwen2")) j.put("attention_bias", qkvBias);
        if (ropeScaling != null) {
            var r = j.putObject("rope_scaling").put("rope_type", ropeScaling.type()).put("factor", ropeScaling.factor());
            if (ropeScaling.type().equals("llama3")) {
                r.put("low_freq_factor", ropeScaling.lowFreqFactor()).put("high_freq_factor", ropeScaling.highFreqFactor())
                        .put("original_max_position_embeddings", ropeScaling.originalMaxPositions());
            }
        }
        if (bosTokenId >= 0) j.put("bos_token_id", bosTokenId);
        if (eosTokenIds.length == 1) j.put("eos_token_id", eosTokenIds[0]);
        else if (eosTokenIds.length > 1) { var a = j.putArray("eos_token_id"); for (int e : eosTokenIds) a.add(e); }
        return j;
    }

    private static int required(JsonNode c, String key, String where) {
        if (!c.hasNonNull(key) || !c.get(key).canConvertToInt()) throw new IllegalArgumentException(where + ": missing integer '" + key + "'");
        return c.get(key).asInt();
    }

    private static int[] eos(JsonNode n) {
        if (n.isArray()) {
            int[] out = new int[n.size()];
            for (int i = 0; i < out.length; i++) out[i] = n.get(i).asInt();
            return out;
        }
        return n.isNumber() ? new int[] {n.asInt()} : new int[0];
    }

    private static RopeScaling ropeScaling(JsonNode r, String where) {
        if (r.isMissingNode() || r.isNull()) return null;
        String type = r.hasNonNull("rope_type") ? r.get("rope_type").asText() : r.path("type").asText("default");
        return switch (type) {
            case "default" -> null;
            case "linear" -> new RopeScaling("linear", r.path("factor").asDouble(1), 0, 0, 0);
            case "llama3" -> new RopeScaling("llama3", r.path("factor").asDouble(), r.path("low_freq_factor").asDouble(),
                    r.path("high_freq_factor").asDouble(), r.path("original_max_position_embeddings").asInt());
            default -> throw new IllegalArgumentException(where + ": rope_scaling type '" + type + "' is not supported (default, linear, llama3)");
        };
    }
}
