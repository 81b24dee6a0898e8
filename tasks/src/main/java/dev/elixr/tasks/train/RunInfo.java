package dev.elixr.tasks.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.tasks.data.Seeds;
import dev.elixr.tasks.data.SkippedItems;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code run.json}: what produced a run — the configuration, the seed and what each random stream is derived from,
 * versions ({@link Provenance#versions}: elixr, Java, OS, cores, threads, vector species), the image preprocessing,
 * the latest full command line — and one entry per training session (a resumed run adds one) with its command line,
 * start, end, steps and speed.
 */
public final class RunInfo {
    private RunInfo() {}

    /** One training session's extent and speed. */
    public record Session(long resumedFrom, long steps, long totalSteps, double seconds, double imagesPerSecond) {}

    public static void record(Path runDir, Map<String, Object> config, long seed, Map<String, Object> preprocessing,
                              String commandLine, Instant started, ContrastiveTraining.Outcome outcome, SkippedItems skipped) throws IOException {
        record(runDir, "elixr-c", config, seed, preprocessing, commandLine, started, new Session(outcome.resumedFrom(),
                outcome.steps(), outcome.totalSteps(), outcome.seconds(), outcome.imagesPerSecond()), skipped);
    }

    /**
     * The same for a run of {@code model} (elixr-c, elixr-b); {@code skipped}: the images and reports this session left
     * out, by split and reason (recorded at the top level as the latest, and in the session's entry), or null for a job that
     * does not count them yet (stage 2, the LM): then nothing is recorded rather than an empty count.
     */
    public static void record(Path runDir, String model, Map<String, Object> config, long seed, Map<String, Object> preprocessing,
                              String commandLine, Instant started, Session outcome, SkippedItems skipped) throws IOException {
        ObjectMapper m = new ObjectMapper();
        Path file = runDir.resolve("run.json");
        ObjectNode root = Files.exists(file) ? (ObjectNode) m.readTree(file.toFile()) : m.createObjectNode();
        root.put("model", model);
        root.put("seed", seed);
        root.set("seeds", m.valueToTree(seeds(seed)));
        root.put("command", commandLine);
        root.set("config", m.valueToTree(config));
        root.set("preprocessing", m.valueToTree(preprocessing));
        root.set("versions", m.valueToTree(Provenance.versions()));
        if (skipped != null) root.set("skipped", m.valueToTree(skipped.toJson())); // null: the job does not count skipped items
        ArrayNode sessions = root.has("sessions") ? (ArrayNode) root.get("sessions") : root.putArray("sessions");
        ObjectNode s = sessions.addObject();
        s.put("command", commandLine);
        s.put("started", started.toString());
        s.put("finished", Instant.now().toString());
        s.put("resumed_from_step", outcome.resumedFrom());
        s.put("steps", outcome.steps());
        s.put("total_steps", outcome.totalSteps());
        s.put("seconds", outcome.seconds());
        s.put("images_per_second", outcome.imagesPerSecond());
        if (skipped != null) s.set("skipped", m.valueToTree(skipped.toJson()));
        root.put("finished", outcome.steps() >= outcome.totalSteps());
        Files.createDirectories(runDir);
        Path tmp = runDir.resolve("run.json.tmp");
        m.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The random streams of a training run and how each derives from the one seed ({@link Seeds}). */
    static Map<String, Object> seeds(long seed) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("seed", seed);
        s.putAll(Seeds.trainingStreams());
        return s;
    }
}
