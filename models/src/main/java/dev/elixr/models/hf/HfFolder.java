package dev.elixr.models.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A Hugging Face model folder: {@code config.json}, the weights in {@code model.safetensors} (or shards listed by
 * {@code model.safetensors.index.json}), and optionally {@code vocab.txt}, {@code tokenizer_config.json},
 * {@code preprocessor_config.json}.
 */
public record HfFolder(Path dir, JsonNode config) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static HfFolder open(Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("model folder " + dir + " does not exist or is not a folder");
        Path cfg = dir.resolve("config.json");
        if (!Files.isRegularFile(cfg)) throw new IllegalArgumentException("no config.json in " + dir + " (found: " + listing(dir) + ")");
        return new HfFolder(dir, readJson(cfg));
    }

    /** {@code model_type} of config.json, or "" when absent. */
    public String modelType() { return config.path("model_type").asText(""); }

    public Optional<Path> file(String name) {
        Path p = dir.resolve(name);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** A JSON file of the folder, if present. */
    public Optional<JsonNode> json(String name) { return file(name).map(HfFolder::readJson); }

    /** All weights by name (memory-mapped), from model.safetensors or its shards. */
    public Map<String, Tensor> weights() {
        try {
            Optional<Path> single = file("model.safetensors");
            if (single.isPresent()) return Safetensors.read(single.get());
            Optional<JsonNode> index = json("model.safetensors.index.json");
            if (index.isPresent()) return readShards(index.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the weights of " + dir + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no model.safetensors in " + dir + " (found: " + listing(dir)
                + "); PyTorch .bin checkpoints must be converted to safetensors first");
    }

    private Map<String, Tensor> readShards(JsonNode index) throws IOException {
        TreeSet<String> shards = new TreeSet<>();
        index.path("weight_map").properties().forEach(e -> shards.add(e.getValue().asText()));
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (String s : shards) all.putAll(Safetensors.read(dir.resolve(s)));
        return all;
    }

    private static JsonNode readJson(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + p + ": " + e.getMessage(), e);
        }
    }

    private static String listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return String.join(", ", s.map(p -> p.getFileName().toString()).sorted().toList());
        } catch (IOException e) {
            return "?";
        }
    }
}
