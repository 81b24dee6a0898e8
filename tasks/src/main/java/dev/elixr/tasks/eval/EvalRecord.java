package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.models.elixr.ElixrCConfigFile;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.train.Provenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * {@code RUN/eval/<task>/eval.json}, the evaluation's counterpart of the run's {@code run.json}: the command line, the
 * seed, the task's options (e.g. the label policy), the split manifest written and the one reused (if any), the
 * model's config and weights checksum, the image preprocessing and the software versions.
 */
public final class EvalRecord {
    public static final String FILE = "eval.json";

    private EvalRecord() {}

    /** What one evaluation was run with. {@code seed} is null for a task without randomness; {@code reused} when none. */
    public record Inputs(String task, String commandLine, Long seed, Map<String, Object> options, Path manifest,
                         Path reusedManifest, Path data, Instant started) {}

    public static void write(Path dir, ElixrCRun run, Inputs in) throws IOException {
        write(dir, run, run.dir(), "elixr-c", in);
    }

    /** The same for the run {@code evaluated} holding model {@code name}; {@code run} is its ELIXR-C (image) run. */
    public static void write(Path dir, ElixrCRun run, Path evaluated, String name, Inputs in) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("task", in.task());
        root.put("command", in.commandLine());
        if (in.seed() == null) root.putNull("seed"); else root.put("seed", in.seed());
        root.set("options", m.valueToTree(in.options()));
        root.put("manifest", in.manifest().toAbsolutePath().normalize().toString());
        if (in.reusedManifest() == null) root.putNull("manifest_reused");
        else root.put("manifest_reused", in.reusedManifest().toAbsolutePath().normalize().toString());
        root.put("run", evaluated.toAbsolutePath().normalize().toString());
        root.put("evaluated_model", name);
        if (!evaluated.equals(run.dir())) root.put("image_run", run.dir().toAbsolutePath().normalize().toString());
        root.put("data", in.data().toAbsolutePath().normalize().toString());
        root.set("model", ElixrCConfigFile.toJson(run.model().config()));
        Path weights = run.dir().resolve(ElixrCRun.WEIGHTS);
        if (Files.exists(weights)) root.put("weights_sha256", Provenance.sha256(weights));
        root.set("preprocessing", m.valueToTree(run.model().config().image().preprocessing().describe()));
        root.set("versions", m.valueToTree(Provenance.versions()));
        root.put("started", in.started().toString());
        root.put("finished", Instant.now().toString());
        Files.createDirectories(dir);
        m.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE).toFile(), root);
    }
}
