package dev.elixr.tasks.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.models.elixr.ElixrB;
import dev.elixr.models.hf.HfConfigs;
import dev.elixr.models.qformer.QFormerConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ELIXR-B run directory: {@code elixr-b.json} (the image run it reads, the SHA-256 of that run's weights, and the
 * Q-Former's shape in Hugging Face {@code blip_2_qformer} fields), {@code model.safetensors} (final {@link ElixrB}
 * weights), {@code history.json}, {@code run.json}, {@code features-<split>.safetensors} ({@link ImageTokenCache}) and
 * {@code checkpoints/}. The text side uses the image run's vocabulary with [DEC] appended as the next id.
 */
public final class ElixrBRun {
    public static final String CONFIG = "elixr-b.json", WEIGHTS = "model.safetensors", HISTORY = "history.json";

    /** What a run is made of: its image run, that run's weights digest, and the Q-Former's shape. */
    public record Spec(Path imageRun, String imageRunSha256, QFormerConfig qformer) {}

    private final Path dir;
    private final Spec spec;
    private final ElixrB model;
    private final ElixrCRun imageRun;

    private ElixrBRun(Path dir, Spec spec, ElixrB model, ElixrCRun imageRun) {
        this.dir = dir;
        this.spec = spec;
        this.model = model;
        this.imageRun = imageRun;
    }

    public static void writeSpec(Path dir, Spec spec) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "elixr-b");
        m.put("image_run", spec.imageRun().toAbsolutePath().normalize().toString());
        m.put("image_run_sha256", spec.imageRunSha256());
        m.put("qformer", HfConfigs.qformerJson(spec.qformer()));
        Files.createDirectories(dir);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CONFIG).toFile(), m);
    }

    /** The spec written by {@link #writeSpec}, or null when the run has none yet. */
    public static Spec readSpec(Path dir) throws IOException {
        Path f = dir.resolve(CONFIG);
        if (!Files.exists(f)) return null;
        JsonNode n = new ObjectMapper().readTree(f.toFile());
        if (!n.hasNonNull("image_run") || !n.hasNonNull("qformer"))
            throw new IllegalArgumentException(f + ": not an ELIXR-B spec (needs image_run and qformer)");
        return new Spec(Path.of(n.get("image_run").asText()), n.path("image_run_sha256").asText(""), HfConfigs.qformer(n.get("qformer")));
    }

    /** Writes the final weights and curves. */
    public static void save(Path dir, ElixrB model, TrainingHistory history) throws IOException {
        Path tmp = dir.resolve(WEIGHTS + ".tmp");
        Safetensors.write(tmp, model.stateDict());
        Files.move(tmp, dir.resolve(WEIGHTS), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        history.write(dir.resolve(HISTORY));
    }

    /** A finished run, its weights loaded strictly, with the image run it reads (a warning when that run's weights changed). */
    public static ElixrBRun load(Path dir, PrintStream log) throws IOException {
        for (String f : new String[] {CONFIG, WEIGHTS})
            if (!Files.exists(dir.resolve(f)))
                throw new NoSuchFileException(dir.resolve(f).toString(), null, "not a finished ELIXR-B run (train one with: "
                        + "elixr train elixr-b --stage 1 --image-run RUN_C --data DIR --out " + dir + ")");
        Spec spec = readSpec(dir);
        ElixrB model = ElixrB.forLoading(spec.qformer());
        model.loadStateDict(Safetensors.read(dir.resolve(WEIGHTS)), true);
        model.eval();
        ElixrCRun imageRun = ElixrCRun.load(spec.imageRun());
        String now = ImageTokenCache.sha256(spec.imageRun().resolve(ElixrCRun.WEIGHTS));
        if (!now.equals(spec.imageRunSha256()))
            log.println("elixr: warning: the image run " + spec.imageRun() + " changed since " + dir + " was trained on it");
        return new ElixrBRun(dir, spec, model, imageRun);
    }

    /** The [DEC] token's id for a vocabulary of {@code size} ids: the next one. */
    public static int decTokenId(int vocabularySize) { return vocabularySize; }

    public Path dir() { return dir; }

    public Spec spec() { return spec; }

    public ElixrB model() { return model; }

    public ElixrCRun imageRun() { return imageRun; }
}
