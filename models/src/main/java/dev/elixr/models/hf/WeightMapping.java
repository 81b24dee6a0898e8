package dev.elixr.models.hf;

import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face / torchvision checkpoint names → our module's names: drops a task model's base prefix ({@code vit.},
 * {@code bert.}) and ignores what lies outside it (task heads such as {@code classifier.*}, {@code cls.*}); renames the
 * old TensorFlow-era layer-norm names {@code gamma}/{@code beta} to {@code weight}/{@code bias}; ignores the
 * bookkeeping buffers HF and torchvision save ({@code embeddings.position_ids}, {@code num_batches_tracked}).
 */
public final class WeightMapping {
    private WeightMapping() {}

    /** The mapped weights and the checkpoint names that were deliberately left out. */
    public record Mapped(Map<String, Tensor> weights, List<String> ignored) {}

    /** basePrefix may be ""; names starting with one of headPrefixes (e.g. torchvision's {@code classifier.}) are ignored. */
    public static Mapped map(Map<String, Tensor> raw, String basePrefix, String... headPrefixes) {
        boolean prefixed = !basePrefix.isEmpty() && raw.keySet().stream().anyMatch(k -> k.startsWith(basePrefix));
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        for (var e : raw.entrySet()) {
            String name = e.getKey();
            if (prefixed) {
                if (!name.startsWith(basePrefix)) {
                    ignored.add(name);
                    continue;
                }
                name = name.substring(basePrefix.length());
            }
            if (isBookkeeping(name) || startsWithAny(name, headPrefixes)) {
                ignored.add(e.getKey());
                continue;
            }
            out.put(legacyLayerNorm(name), e.getValue());
        }
        return new Mapped(out, ignored);
    }

    /** {@code …LayerNorm.gamma} → {@code …LayerNorm.weight}, {@code …LayerNorm.beta} → {@code …LayerNorm.bias}. */
    static String legacyLayerNorm(String name) {
        if (name.endsWith("LayerNorm.gamma")) return name.substring(0, name.length() - "gamma".length()) + "weight";
        if (name.endsWith("LayerNorm.beta")) return name.substring(0, name.length() - "beta".length()) + "bias";
        return name;
    }

    private static boolean startsWithAny(String name, String[] prefixes) {
        for (String p : prefixes) if (name.startsWith(p)) return true;
        return false;
    }

    static boolean isBookkeeping(String name) {
        return name.equals("embeddings.position_ids") || name.endsWith(".position_ids") || name.endsWith("num_batches_tracked");
    }
}
