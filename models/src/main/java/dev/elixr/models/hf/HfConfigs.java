package dev.elixr.models.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elixr.models.qformer.QFormerConfig;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.vision.EfficientNetConfig;
import dev.elixr.models.vision.VitConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Hugging Face {@code config.json} → our configs. Missing keys take the HF defaults of {@code ViTConfig} and
 * {@code BertConfig}; for EfficientNet, {@code variant} (b0…b7, l2) gives the compound-scaling defaults and the HF
 * {@code EfficientNetConfig} keys ({@code width_coefficient}, {@code depth_coefficient}, {@code image_size},
 * {@code batch_norm_eps}, {@code num_channels}, {@code dropout_rate}, {@code drop_connect_rate}) override them.
 */
public final class HfConfigs {
    private HfConfigs() {}

    public static VitConfig vit(JsonNode c) {
        expectType(c, "vit");
        float dropout = (float) c.path("hidden_dropout_prob").asDouble(0.0);
        return new VitConfig(
                c.path("hidden_size").asInt(768), c.path("num_hidden_layers").asInt(12), c.path("num_attention_heads").asInt(12),
                c.path("intermediate_size").asInt(3072), c.path("image_size").asInt(224), c.path("patch_size").asInt(16),
                c.path("num_channels").asInt(3), (float) c.path("layer_norm_eps").asDouble(1e-12),
                c.path("qkv_bias").asBoolean(true), true, dropout, HfActivation.parse(c.path("hidden_act").asText("gelu")));
    }

    /**
     * BERT; cross-attention comes from {@code add_cross_attention} (every layer) or, as in the BLIP-2 Q-Former config,
     * {@code cross_attention_frequency} (layers 0, f, 2f, …) with {@code encoder_hidden_size}.
     */
    public static BertConfig bert(JsonNode c) {
        expectType(c, "bert", "blip_2_qformer");
        int layers = c.path("num_hidden_layers").asInt(12);
        int hidden = c.path("hidden_size").asInt(768);
        int[] cross = new int[0];
        if (c.has("cross_attention_frequency")) {
            int f = c.get("cross_attention_frequency").asInt();
            cross = IntStream.range(0, layers).filter(l -> l % f == 0).toArray();
        } else if (c.path("add_cross_attention").asBoolean(false)) {
            cross = IntStream.range(0, layers).toArray();
        }
        return new BertConfig(
                c.path("vocab_size").asInt(30522), hidden, layers, c.path("num_attention_heads").asInt(12),
                c.path("intermediate_size").asInt(3072), c.path("max_position_embeddings").asInt(512),
                c.path("type_vocab_size").asInt(2), (float) c.path("layer_norm_eps").asDouble(1e-12),
                (float) c.path("hidden_dropout_prob").asDouble(0.1), c.path("pad_token_id").asInt(0), true, cross,
                c.path("encoder_hidden_size").asInt(hidden), HfActivation.parse(c.path("hidden_act").asText("gelu")));
    }

    public static EfficientNetConfig efficientNet(JsonNode c) {
        expectType(c, "efficientnet");
        String variant = c.path("variant").asText("b0");
        EfficientNetConfig base = EfficientNetConfig.variant(variant, c.path("num_channels").asInt(3));
        return new EfficientNetConfig(variant,
                c.path("width_coefficient").asDouble(base.widthMult()),
                c.path("depth_coefficient").asDouble(base.depthMult()),
                c.path("image_size").asInt(base.resolution()),
                (float) c.path("dropout_rate").asDouble(base.dropout()),
                (float) c.path("drop_connect_rate").asDouble(base.stochasticDepthProb()),
                (float) c.path("batch_norm_eps").asDouble(base.batchNormEps()),
                base.inChannels());
    }

    /**
     * From a Hugging Face {@code config.json} of model_type {@code blip_2_qformer} ({@code Blip2QFormerConfig}); absent
     * keys take its defaults. The number of queries ({@code num_query_tokens}), the projection width
     * ({@code image_text_hidden_size}) and the [DEC] id ({@code bos_token_id}) live in the parent BLIP-2 config and are read
     * when present (defaults 32, 256 and the last id of the vocabulary).
     */
    public static QFormerConfig qformer(JsonNode c) {
        expectType(c, "blip_2_qformer");
        int vocab = c.path("vocab_size").asInt(30522);
        return new QFormerConfig(
                new QFormerConfig.Transformer(c.path("hidden_size").asInt(768), c.path("num_hidden_layers").asInt(12),
                        c.path("num_attention_heads").asInt(12), c.path("intermediate_size").asInt(3072),
                        (float) c.path("layer_norm_eps").asDouble(1e-12), (float) c.path("hidden_dropout_prob").asDouble(0.1),
                        HfActivation.parse(c.path("hidden_act").asText("gelu"))),
                new QFormerConfig.Queries(c.path("num_query_tokens").asInt(32), c.path("cross_attention_frequency").asInt(2),
                        c.path("encoder_hidden_size").asInt(1408)),
                new QFormerConfig.Text(vocab, c.path("max_position_embeddings").asInt(512), c.path("pad_token_id").asInt(0),
                        c.path("bos_token_id").asInt(vocab - 1)),
                c.path("image_text_hidden_size").asInt(256));
    }

    /** The Hugging Face {@code config.json} fields of a Q-Former's shape ({@link #qformer} reads them back). */
    public static Map<String, Object> qformerJson(QFormerConfig q) {
        var transformer = q.transformer();
        var queries = q.queries();
        var text = q.text();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_type", "blip_2_qformer");
        m.put("hidden_size", transformer.width());
        m.put("num_hidden_layers", transformer.depth());
        m.put("num_attention_heads", transformer.heads());
        m.put("intermediate_size", transformer.ffnSize());
        m.put("hidden_act", switch (transformer.activation()) {
            case GELU -> "gelu";
            case GELU_TANH -> "gelu_new";
            case RELU -> "relu";
            case SILU -> "silu";
            default -> throw new IllegalStateException("activation " + transformer.activation() + " has no Hugging Face name");
        });
        m.put("hidden_dropout_prob", (double) transformer.dropout());
        m.put("attention_probs_dropout_prob", 0.0);
        m.put("layer_norm_eps", (double) transformer.layerNormEps());
        m.put("num_query_tokens", queries.count());
        m.put("cross_attention_frequency", queries.crossAttentionFrequency());
        m.put("encoder_hidden_size", queries.imageWidth());
        m.put("vocab_size", text.vocabSize());
        m.put("max_position_embeddings", text.maxLength());
        m.put("pad_token_id", text.padTokenId());
        m.put("bos_token_id", text.decTokenId());
        m.put("image_text_hidden_size", q.projectionWidth());
        return m;
    }

    private static void expectType(JsonNode c, String... types) {
        String t = c.path("model_type").asText("");
        for (String ok : types) if (ok.equals(t)) return;
        throw new IllegalArgumentException("config.json has model_type '" + t + "', expected " + String.join(" or ", types));
    }
}
