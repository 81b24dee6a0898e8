package dev.elixr.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.train.Provenance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code OUT/job.json}: what an output directory holds, written before the first task runs: the listing (kind,
 * images, SHA-256 of its ids and paths), the partition count, the model ({@code model_id}: SHA-256 of the run's
 * weights) and the preprocessing ({@code preprocessing_id}: the first 16 hex digits of the SHA-256 of its
 * description, written out in full beside it). A rerun on the same directory must agree on all of them, since its
 * tasks skip the partitions already committed: mixing listings, partitionings or models in one output is refused.
 */
record JobManifest(String listingKind, int images, String listingDigest, int partitions, String modelId,
                   String preprocessingId, Map<String, Object> preprocessing, String run) {
    static final String FILE = "job.json", FORMAT = "elixr-spark-embed/1";

    /** A short, stable id of a preprocessing (its description's keys sorted, as JSON, hashed). */
    static String preprocessingId(ImagePreprocessing p) {
        try {
            byte[] json = new ObjectMapper().writeValueAsBytes(new TreeMap<>(p.describe()));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 16);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static JobManifest read(Path out) throws IOException {
        Path f = out.resolve(FILE);
        if (!Files.isRegularFile(f)) return null;
        JsonNode n = new ObjectMapper().readTree(f.toFile());
        if (!FORMAT.equals(n.path("format").asText())) throw new IOException(f + ": format '" + n.path("format").asText() + "', expected " + FORMAT);
        @SuppressWarnings("unchecked")
        Map<String, Object> pp = new ObjectMapper().convertValue(n.path("preprocessing"), Map.class);
        return new JobManifest(n.path("listing").path("kind").asText(), n.path("listing").path("images").asInt(),
                n.path("listing").path("sha256").asText(), n.path("partitions").asInt(), n.path("model_id").asText(),
                n.path("preprocessing_id").asText(), pp, n.path("run").asText());
    }

    void write(Path out, String commandLine) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("format", FORMAT);
        ObjectNode l = root.putObject("listing");
        l.put("kind", listingKind);
        l.put("images", images);
        l.put("sha256", listingDigest);
        root.put("partitions", partitions);
        root.put("model_id", modelId);
        root.put("preprocessing_id", preprocessingId);
        root.set("preprocessing", m.valueToTree(preprocessing));
        root.put("run", run);
        root.put("layout", "embeddings/part-NNNNN.parquet (one per partition, committed by rename), shards/part-NNNNN (Lucene)");
        root.put("command", commandLine);
        root.set("versions", m.valueToTree(Provenance.versions()));
        root.put("created", Instant.now().toString());
        Files.createDirectories(out);
        Path tmp = out.resolve(FILE + ".tmp");
        Files.writeString(tmp, m.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
        Files.move(tmp, out.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Refuses to continue an output directory written for another listing, partitioning or model. */
    void requireSameJob(JobManifest earlier, Path out) {
        if (!earlier.listingDigest.equals(listingDigest))
            throw new IllegalArgumentException(out + " holds embeddings of another listing (" + earlier.images + " images, sha256 "
                    + earlier.listingDigest + "; now " + images + " images, " + listingDigest + "): give a new --out");
        if (earlier.partitions != partitions)
            throw new IllegalArgumentException(out + " was written in " + earlier.partitions + " partitions, not " + partitions
                    + ": rerun with --partitions " + earlier.partitions + " (or give a new --out)");
        if (!earlier.modelId.equals(modelId) || !earlier.preprocessingId.equals(preprocessingId))
            throw new IllegalArgumentException(out + " holds embeddings of other weights or preprocessing (model " + earlier.modelId
                    + ", preprocessing " + earlier.preprocessingId + "; the run gives " + modelId + ", " + preprocessingId + "): give a new --out");
    }
}
