package dev.elixr.tasks.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.tasks.train.Provenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * {@code INDEX/index.json}: what the vectors of an index are (width, similarity, the embedder's description and
 * weights checksum, HNSW parameters), written when the index is created, so that an index is never searched or extended
 * with vectors of another model.
 */
public record IndexManifest(int dim, String fingerprint, String run, VectorIndex.Hnsw hnsw) {
    public static final String FILE = "index.json", FORMAT = "elixr-index/1";

    public static boolean exists(Path index) { return Files.isRegularFile(index.resolve(FILE)); }

    public static IndexManifest read(Path index) throws IOException {
        Path f = index.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new IOException(index + " is not an elixr index (no " + FILE + "; build one with: elixr index build)");
        JsonNode root = new ObjectMapper().readTree(f.toFile());
        if (!FORMAT.equals(root.path("format").asText()))
            throw new IOException(f + ": format '" + root.path("format").asText() + "', expected " + FORMAT);
        JsonNode h = root.path("hnsw");
        return new IndexManifest(root.path("dim").asInt(), root.path("embedder").path("weights_sha256").asText(),
                root.path("embedder").path("run").asText(null), new VectorIndex.Hnsw(h.path("m").asInt(), h.path("beam_width").asInt()));
    }

    /** Writes index.json for a new index built with {@code embedder}. */
    public static void write(Path index, Embedder embedder, VectorIndex.Hnsw hnsw, String commandLine) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("format", FORMAT);
        root.put("dim", embedder.dim());
        root.put("similarity", "dot product of L2-normalised vectors (cosine)");
        root.put("search", "HNSW candidates re-ranked by exact dot product");
        ObjectNode h = root.putObject("hnsw");
        h.put("m", hnsw.maxConn());
        h.put("beam_width", hnsw.beamWidth());
        root.set("embedder", m.valueToTree(embedder.describe()));
        root.put("command", commandLine);
        root.set("versions", m.valueToTree(Provenance.versions()));
        root.put("created", Instant.now().toString());
        Files.createDirectories(index);
        Path tmp = index.resolve(FILE + ".tmp");
        Files.writeString(tmp, m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        Files.move(tmp, index.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Refuses an embedder whose vectors live in another space than this index's. */
    public void requireSameSpace(Embedder e, Path index) {
        if (e.dim() != dim)
            throw new IllegalArgumentException("index " + index + " holds " + dim + "-wide vectors, the model embeds " + e.dim());
        if (!e.fingerprint().equals(fingerprint))
            throw new IllegalArgumentException("index " + index + " was built with other weights (sha256 " + fingerprint
                    + ") than the run given (" + e.fingerprint() + "); rebuild it with: elixr index build");
    }
}
