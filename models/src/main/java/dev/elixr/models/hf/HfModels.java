package dev.elixr.models.hf;

import dev.elixr.autograd.nn.Module;
import dev.elixr.models.qformer.QFormer;
import dev.elixr.models.qformer.QFormerConfig;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.models.vision.EfficientNet;
import dev.elixr.models.vision.VisionTransformer;
import dev.elixr.models.vision.VitConfig;
import dev.elixr.tensor.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds a model from a Hugging Face folder ({@code config.json} + {@code model.safetensors}) and loads its weights
 * strictly. ViT: HF {@code ViTModel} names, with or without {@code vit.}; BERT: HF {@code BertModel} names, with or
 * without {@code bert.}, old {@code gamma}/{@code beta} accepted; EfficientNet: torchvision names. The pooler is built
 * when the checkpoint has one. BLIP-2 Q-Former ({@code blip_2_qformer}): Hugging Face names, {@code qformer.} prefix optional
 * (see {@link #qformer(HfFolder, boolean)}). Models come back in evaluation mode.
 */
public final class HfModels {
    private HfModels() {}

    /** Any supported folder, by {@code model_type}. */
    public static Module load(Path dir, boolean listAllMismatches) {
        HfFolder f = HfFolder.open(dir);
        return switch (f.modelType()) {
            case "vit" -> vit(f, listAllMismatches);
            case "bert" -> bert(f, listAllMismatches);
            case "efficientnet" -> efficientNet(f, listAllMismatches);
            case "blip_2_qformer" -> qformer(f, listAllMismatches);
            default -> throw new IllegalArgumentException("model_type '" + f.modelType() + "' in " + dir.resolve("config.json")
                    + " is not supported (vit, bert, efficientnet, blip_2_qformer)");
        };
    }

    public static VisionTransformer vit(Path dir) { return vit(HfFolder.open(dir), false); }

    public static BertEncoder bert(Path dir) { return bert(HfFolder.open(dir), false); }

    public static EfficientNet efficientNet(Path dir) { return efficientNet(HfFolder.open(dir), false); }

    public static VisionTransformer vit(HfFolder f, boolean listAll) { return vit(f, listAll, 0); }

    /** channels > 0 adapts the patch projection to that many input channels (e.g. 1 for grey X-rays, see {@link InputChannels}). */
    public static VisionTransformer vit(HfFolder f, boolean listAll, int channels) {
        var mapped = WeightMapping.map(f.weights(), "vit.");
        VitConfig c = HfConfigs.vit(f.config()).withPooler(mapped.weights().containsKey("pooler.dense.weight"));
        Map<String, Tensor> w = mapped.weights();
        if (channels > 0 && channels != c.numChannels()) {
            c = c.withChannels(channels);
            w = adapted(w, "embeddings.patch_embeddings.projection.weight", channels);
        }
        return loaded(new VisionTransformer(c, new SplittableRandom(0), false), w, f, listAll);
    }

    public static BertEncoder bert(HfFolder f, boolean listAll) {
        var mapped = WeightMapping.map(f.weights(), "bert.");
        BertConfig c = HfConfigs.bert(f.config()).withPooler(mapped.weights().containsKey("pooler.dense.weight"));
        return loaded(new BertEncoder(c, new SplittableRandom(0), false), mapped.weights(), f, listAll);
    }

    public static EfficientNet efficientNet(HfFolder f, boolean listAll) { return efficientNet(f, listAll, 0); }

    /** channels > 0 adapts the stem convolution to that many input channels (see {@link InputChannels}). */
    public static EfficientNet efficientNet(HfFolder f, boolean listAll, int channels) {
        var c = HfConfigs.efficientNet(f.config());
        Map<String, Tensor> w = WeightMapping.map(f.weights(), "", "classifier.").weights();
        if (channels > 0 && channels != c.inChannels()) {
            c = c.withInChannels(channels);
            w = adapted(w, "features.0.0.weight", channels);
        }
        return loaded(new EfficientNet(c, new SplittableRandom(0)), w, f, listAll);
    }

    public static QFormer qformer(Path dir) { return qformer(HfFolder.open(dir), false); }

    /**
     * A BLIP-2 Q-Former: {@code query_tokens} [1,Q,H] and the Q-Former weights, the {@code qformer.} prefix optional (Hugging
     * Face's {@code Blip2QFormerModel} saves {@code layernorm.*}, {@code encoder.*}). With text embeddings
     * ({@code embeddings.word_embeddings.weight}) the full stage-1 model is built and every text-side tensor must be there;
     * without, only the query path ({@link QFormer#queryOnly}). The number of queries comes from {@code num_query_tokens}
     * or, absent that key (Hugging Face keeps it in the parent config), from {@code query_tokens}. The LM head's decoder
     * weight, tied to the word embeddings, may be present and is not loaded twice.
     */
    public static QFormer qformer(HfFolder f, boolean listAll) {
        QFormerConfig c = HfConfigs.qformer(f.config());
        Map<String, Tensor> raw = f.weights(), weights = new LinkedHashMap<>();
        boolean prefixed = raw.keySet().stream().anyMatch(k -> k.startsWith("qformer."));
        for (var e : WeightMapping.map(raw, "").weights().entrySet()) {
            String name = e.getKey();
            if (name.startsWith("cls.predictions.decoder.")) continue; // tied to embeddings.word_embeddings.weight
            boolean inner = name.startsWith("layernorm.") || name.startsWith("encoder.");
            weights.put(!prefixed && inner ? "qformer." + name : name, e.getValue());
        }
        Tensor queries = weights.get("query_tokens");
        if (!f.config().has("num_query_tokens") && queries != null && queries.dim() == 3) {
            c = c.withQueries(new QFormerConfig.Queries(queries.size(1), c.queries().crossAttentionFrequency(), c.queries().imageWidth()));
        }
        boolean withText = weights.containsKey("embeddings.word_embeddings.weight");
        return loaded(withText ? QFormer.forLoading(c) : QFormer.queryOnly(c), weights, f, listAll);
    }

    private static Map<String, Tensor> adapted(Map<String, Tensor> weights, String name, int channels) {
        Map<String, Tensor> out = new LinkedHashMap<>(weights);
        Tensor w = out.get(name);
        if (w != null) out.put(name, InputChannels.adapt(name, w, channels));
        return out;
    }

    private static <M extends Module> M loaded(M model, Map<String, Tensor> weights, HfFolder f, boolean listAll) {
        WeightLoader.load(model, weights, f.dir().resolve("model.safetensors").toString(), listAll);
        model.eval();
        return model;
    }
}
