package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The {@code post_processor} of a tokenizer.json, which adds the special tokens of a single sequence when encoding
 * with special tokens (as Hugging Face's {@code encode} does by default): TemplateProcessing (its {@code single}
 * template, e.g. BOS then the text), RobertaProcessing and BertProcessing (cls … sep), ByteLevel (no change to the
 * ids) and Sequence. Others are refused naming the type.
 */
final class PostProcessor {
    private PostProcessor() {}

    static UnaryOperator<List<Integer>> of(JsonNode n, String where) {
        if (n == null || n.isNull() || n.isMissingNode()) return ids -> ids;
        String type = n.path("type").asText();
        return switch (type) {
            case "Sequence" -> {
                List<UnaryOperator<List<Integer>>> steps = new ArrayList<>();
                for (JsonNode c : n.path("processors")) steps.add(of(c, where));
                yield ids -> {
                    for (UnaryOperator<List<Integer>> f : steps) ids = f.apply(ids);
                    return ids;
                };
            }
            case "ByteLevel" -> ids -> ids;
            case "TemplateProcessing" -> template(n, where);
            case "RobertaProcessing", "BertProcessing" -> {
                int cls = n.path("cls").get(1).asInt(), sep = n.path("sep").get(1).asInt();
                yield ids -> {
                    List<Integer> out = new ArrayList<>(ids.size() + 2);
                    out.add(cls);
                    out.addAll(ids);
                    out.add(sep);
                    return out;
                };
            }
            default -> throw new IllegalArgumentException(where + ": post_processor type '" + type + "' is not supported "
                    + "(TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing, Sequence)");
        };
    }

    private static UnaryOperator<List<Integer>> template(JsonNode n, String where) {
        Map<String, JsonNode> special = new java.util.HashMap<>();
        n.path("special_tokens").properties().forEach(e -> special.put(e.getKey(), e.getValue()));
        List<Object> parts = new ArrayList<>(); // Integer ids, or the marker "A" for the sequence
        for (JsonNode piece : n.path("single")) {
            if (piece.has("Sequence")) parts.add("A");
            else {
                String id = piece.path("SpecialToken").path("id").asText();
                JsonNode tok = special.get(id);
                if (tok == null) throw new IllegalArgumentException(where + ": template token '" + id + "' is not among its special_tokens");
                for (JsonNode i : tok.path("ids")) parts.add(i.asInt());
            }
        }
        return ids -> {
            List<Integer> out = new ArrayList<>(ids.size() + parts.size());
            for (Object p : parts) {
                if (p instanceof Integer i) out.add(i);
                else out.addAll(ids);
            }
            return out;
        };
    }
}
