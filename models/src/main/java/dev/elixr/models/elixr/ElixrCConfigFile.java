package dev.elixr.models.elixr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.autograd.nn.Activation;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code elixr-c.json}: an {@link ElixrCConfig} as JSON with {@code "format": "elixr-c/2"} and its four groups. The flat
 * files of runs trained before the groups existed (twenty top-level fields, {@code imageEncoder} … {@code textEncoder})
 * still load, with the preprocessing every such run was trained with ({@link ImagePreprocessing#standard}); a file of
 * another format is refused with its name and what this build reads.
 */
public final class ElixrCConfigFile {
    public static final String FORMAT = "elixr-c/2";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ElixrCConfigFile() {}

    /** The config as the JSON tree written to elixr-c.json (and recorded in run.json and eval.json). */
    public static ObjectNode toJson(ElixrCConfig c) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.setAll((ObjectNode) JSON.valueToTree(c));
        return root;
    }

    public static void write(Path file, ElixrCConfig c) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), toJson(c));
    }

    public static ElixrCConfig read(Path file) throws IOException {
        return fromJson(JSON.readTree(file.toFile()), file.toString());
    }

    /** A config from its JSON tree ({@code source} names the file in errors). */
    public static ElixrCConfig fromJson(JsonNode root, String source) throws IOException {
        if (root == null || !root.isObject()) throw new IOException(source + ": not an ELIXR-C config (expected a JSON object)");
        if (root.has("format")) {
            String format = root.get("format").asText();
            if (!format.equals(FORMAT))
                throw new IOException(source + ": ELIXR-C config format '" + format + "' is not one this build reads ("
                        + FORMAT + ", or the flat files of earlier runs); use the elixr version that wrote it");
            ObjectNode body = ((ObjectNode) root).deepCopy();
            body.remove("format");
            try {
                return JSON.treeToValue(body, ElixrCConfig.class);
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException(source + ": bad ELIXR-C config: " + e.getMessage(), e);
            }
        }
        if (root.has("imageEncoder")) {
            try {
                return flat(root);
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ": bad ELIXR-C config (flat format of earlier runs): " + e.getMessage(), e);
            }
        }
        throw new IOException(source + ": not an ELIXR-C config (no \"format\": \"" + FORMAT + "\", and not the flat format of earlier runs)");
    }

    /**
     * The flat format of earlier runs. Fields a file written before they existed lacks (0, null, false) take the values
     * such runs had: positions max(maxTokens, 8), 2 token types, eps 1e-12, GELU, lower-cased, bert-small.
     */
    static ElixrCConfig flat(JsonNode j) {
        int size = j.path("imageSize").asInt();
        int[] widths = new int[j.path("convWidths").size()];
        for (int i = 0; i < widths.length; i++) widths[i] = j.path("convWidths").get(i).asInt();
        var image = new ElixrCConfig.Image(j.path("imageEncoder").asText(), ImagePreprocessing.standard(size), widths,
                j.path("convBlocksPerStage").asInt(), j.path("imageFeatures").asInt());
        int maxTokens = j.path("maxTokens").asInt();
        int positions = j.path("textMaxPositions").asInt(0) > 0 ? j.get("textMaxPositions").asInt() : Math.max(maxTokens, 8);
        int types = j.path("textTypeVocab").asInt(0) > 0 ? j.get("textTypeVocab").asInt() : 2;
        float eps = j.path("textLayerNormEps").floatValue() > 0 ? j.get("textLayerNormEps").floatValue() : 1e-12f;
        Activation act = j.path("textActivation").isTextual() ? Activation.valueOf(j.get("textActivation").asText()) : Activation.GELU;
        var bert = new ElixrCConfig.BertShape(j.path("vocabSize").asInt(), j.path("textHidden").asInt(), j.path("textLayers").asInt(),
                j.path("textHeads").asInt(), j.path("textIntermediate").asInt(), positions, types, eps, act);
        String origin = j.path("textEncoder").isTextual() ? j.get("textEncoder").asText() : null;
        var text = new ElixrCConfig.Text(origin, bert, maxTokens, j.path("textCased").asBoolean(false));
        return new ElixrCConfig(image, text, j.path("embedDim").asInt(),
                new ElixrCConfig.Temperature(j.path("initTemperature").floatValue(), j.path("minTemperature").floatValue()));
    }
}
