package dev.elixr.tasks.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.models.elixr.ElixrCConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings that decide what a run computes ({@code RUN/training.json}, written before the first step): the data
 * passes, optimisation, objective and seed, and the image tower asked for (ELIXR-C), or the Q-Former's shape (ELIXR-B). {@code --resume} with other settings would
 * continue a different run than the one on disk, so it is refused with the differences named. Checkpoint frequency and
 * the test-only stop step are free to change.
 */
public final class TrainingSettings {
    public static final String FILE = "training.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingSettings() {}

    /** The settings as option name → value, in the words of the command line. */
    static Map<String, String> of(ContrastiveTraining.Config t, ElixrCConfig model) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--epochs", Integer.toString(t.data().epochs()));
        m.put("--batch", Integer.toString(t.data().batch()));
        m.put("--no-augment", Boolean.toString(!t.data().augment()));
        m.put("--accumulate", Integer.toString(t.data().accumulate()));
        m.put("--lr", Double.toString(t.optimisation().lr()));
        m.put("--weight-decay", Double.toString(t.optimisation().weightDecay()));
        m.put("--warmup", Double.toString(t.optimisation().warmupFraction()));
        m.put("--grad-clip", Double.toString(t.optimisation().gradClip()));
        m.put("--seed", Long.toString(t.seed()));
        ContrastiveObjective o = t.objective();
        m.put("--duplicates", o.duplicates().toString());
        m.put("--duplicate-key", o.key().toString());
        m.put("--queue", Integer.toString(o.queueSize()));
        m.put("--sentence-sampling", Double.toString(o.sentenceSampling()));
        m.put("--impression-only", Double.toString(o.impressionOnly()));
        m.put("--drop-negated", Double.toString(o.dropNegated()));  // absent in older runs: never, not checked
        m.put("--image-encoder", model.image().encoder());
        m.put("--image-size", Integer.toString(model.image().size()));
        m.put("--image-width", Integer.toString(model.image().features()));
        m.put("--decode", model.image().preprocessing().decode());
        return m;
    }

    /** The settings of an ELIXR-B stage-1 run ({@code elixr train elixr-b}): its data passes, optimisation, seed and Q-Former shape. */
    static Map<String, String> of(QFormerTraining.Config t, QFormerTrainingJob.Shape shape) {
        return of(t, shape, QFormerTrainingJob.TextInit.NONE);
    }

    /** As {@link #of(QFormerTraining.Config, QFormerTrainingJob.Shape)}, with where the text side started when not from scratch. */
    static Map<String, String> of(QFormerTraining.Config t, QFormerTrainingJob.Shape shape, QFormerTrainingJob.TextInit textInit) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--stage", "1");
        m.put("--epochs", Integer.toString(t.data().epochs()));
        m.put("--batch", Integer.toString(t.data().batch()));
        m.put("--lr", Double.toString(t.optimisation().lr()));
        m.put("--weight-decay", Double.toString(t.optimisation().weightDecay()));
        m.put("--warmup", Double.toString(t.optimisation().warmupFraction()));
        m.put("--grad-clip", Double.toString(t.optimisation().gradClip()));
        m.put("--seed", Long.toString(t.seed()));
        m.put("--impression-only", Double.toString(t.texts().impressionOnly()));  // absent in older runs: full reports, not checked
        m.put("--sentence-sampling", Double.toString(t.texts().sentenceSampling()));
        m.put("--itc-query-pooling", t.itcQueryPooling() == dev.elixr.models.qformer.ItcLoss.QueryPooling.MAX ? "max" : "log-sum-exp");  // absent in older runs: max, not checked
        m.put("--width", Integer.toString(shape.width()));
        m.put("--layers", Integer.toString(shape.layers()));
        m.put("--heads", Integer.toString(shape.heads()));
        m.put("--queries", Integer.toString(shape.queries()));
        m.put("--projection", Integer.toString(shape.projection()));
        if (shape.ffn() != 2 * shape.width()) m.put("--ffn", Integer.toString(shape.ffn()));
        if (textInit != QFormerTrainingJob.TextInit.NONE) m.put("--text-init", textInit.key());
        return m;
    }

    /** Records the settings of a new run. */
    static void write(Path run, ContrastiveTraining.Config t, ElixrCConfig model) throws IOException { write(run, of(t, model)); }

    /** Records the settings (option name → value, in the words of the command line) of a new run of any training. */
    public static void write(Path run, Map<String, String> settings) throws IOException {
        Files.createDirectories(run);
        ObjectNode root = JSON.createObjectNode();
        settings.forEach(root::put);
        JSON.writerWithDefaultPrettyPrinter().writeValue(run.resolve(FILE).toFile(), root);
    }

    /** Refuses a resume whose settings differ from the recorded ones (runs from before this file are not checked). */
    static void checkResume(Path run, ContrastiveTraining.Config t, ElixrCConfig model) throws IOException { checkResume(run, of(t, model)); }

    /** The same for the settings of any training. */
    public static void checkResume(Path run, Map<String, String> settings) throws IOException {
        Path f = run.resolve(FILE);
        if (!Files.exists(f)) return;
        Map<String, String> recorded = new LinkedHashMap<>();
        JSON.readTree(f.toFile()).properties().forEach(e -> recorded.put(e.getKey(), e.getValue().asText()));
        List<String> differences = new ArrayList<>();
        settings.forEach((option, value) -> {
            String was = recorded.get(option);
            if (was != null && !was.equals(value)) differences.add(option + " " + was + " (this command: " + value + ")");
        });
        if (!differences.isEmpty())
            throw new IllegalArgumentException("--resume: " + run + " was started with other settings: " + String.join(", ", differences)
                    + "; repeat the run's own options to continue it (see " + f + "), or train into another --out");
    }
}
