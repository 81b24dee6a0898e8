package dev.elixr.tasks.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * {@code run.json}: what produced a run — the configuration, seed, versions (elixr, Java, OS, cores) — and one
 * entry per training session (a resumed run adds one) with its start, end, steps and speed.
 */
public final class RunInfo {
    private RunInfo() {}

    public static void record(Path runDir, Map<String, Object> config, long seed, String commandLine,
                              Instant started, ContrastiveTraining.Outcome outcome) throws IOException {
        ObjectMapper m = new ObjectMapper();
        Path file = runDir.resolve("run.json");
        ObjectNode root = Files.exists(file) ? (ObjectNode) m.readTree(file.toFile()) : m.createObjectNode();
        root.put("model", "elixr-c");
        root.put("seed", seed);
        root.set("config", m.valueToTree(config));
        ObjectNode v = root.putObject("versions");
        v.put("elixr", RunInfo.class.getPackage().getImplementationVersion() == null ? "dev" : RunInfo.class.getPackage().getImplementationVersion());
        v.put("java", Runtime.version().toString());
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        v.put("cores", Runtime.getRuntime().availableProcessors());
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
        root.put("finished", outcome.steps() >= outcome.totalSteps());
        Files.createDirectories(runDir);
        Path tmp = runDir.resolve("run.json.tmp");
        m.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
