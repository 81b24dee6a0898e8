package dev.elixr.tasks.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code RUN/eval/<task>/manifest.json}: exactly which images an evaluation used — the dicom_ids of each split in the
 * order they were evaluated and, for the data-efficient probes, every training subset (fraction, repeat, seed, dicom_ids)
 * with how it was drawn. {@code elixr eval <task> --manifest FILE} evaluates another model on the same images and
 * subsets, so two models are compared on identical data.
 *
 * @param format       {@link #FORMAT}
 * @param task         the evaluation that wrote it: {@code zero-shot}, {@code data-efficient} or {@code search}
 * @param data         the data set root it was written for (informative; ids are what is checked)
 * @param seed         the evaluation's seed
 * @param splits       split name ("train", "validate", "test") to its dicom_ids, as used
 * @param probeSubsets the data-efficient training subsets, null for the other tasks
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SplitManifest(@JsonProperty("format") String format, @JsonProperty("task") String task,
                            @JsonProperty("data") String data, @JsonProperty("seed") long seed,
                            @JsonProperty("splits") Map<String, List<String>> splits,
                            @JsonProperty("probe_subsets") ProbeSubsets probeSubsets) {
    public static final String FORMAT = "elixr-split-manifest/1";
    public static final List<String> TASKS = List.of("zero-shot", "data-efficient", "search");
    public static final String FILE = "manifest.json";

    /** How the probe subsets were drawn, the findings whose labels made an image eligible, and the subsets. */
    public record ProbeSubsets(@JsonProperty("sampling") String sampling, @JsonProperty("findings") List<String> findings,
                               @JsonProperty("subsets") List<Subset> subsets) {}

    /** One probe training subset: its fraction of the labelled training images, repeat, seed and images. */
    public record Subset(@JsonProperty("fraction") double fraction, @JsonProperty("repeat") int repeat,
                         @JsonProperty("seed") long seed, @JsonProperty("dicom_ids") List<String> dicomIds) {}

    public SplitManifest {
        splits = splits == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(splits));
    }

    public static SplitManifest of(String task, Path data, long seed, Map<String, List<String>> splits, ProbeSubsets probeSubsets) {
        return new SplitManifest(FORMAT, task, data == null ? null : data.toAbsolutePath().normalize().toString(), seed, splits, probeSubsets);
    }

    public void write(Path file) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads and checks a manifest; every problem is reported with the file's name. */
    public static SplitManifest read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "split manifest not found");
        SplitManifest m;
        try {
            m = new ObjectMapper().readValue(file.toFile(), SplitManifest.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("split manifest " + file + " is not valid: " + e.getOriginalMessage(), e);
        }
        if (!FORMAT.equals(m.format()))
            throw bad(file, "format is '" + m.format() + "', expected '" + FORMAT + "'");
        if (!TASKS.contains(m.task())) throw bad(file, "task is '" + m.task() + "', expected one of " + TASKS);
        if (m.splits() == null || m.splits().isEmpty()) throw bad(file, "it lists no splits");
        for (var e : m.splits().entrySet()) noDuplicates(file, "split '" + e.getKey() + "'", e.getValue());
        if (m.task().equals("data-efficient")) {
            if (m.probeSubsets() == null || m.probeSubsets().subsets() == null || m.probeSubsets().subsets().isEmpty())
                throw bad(file, "a data-efficient manifest needs probe_subsets");
            Set<String> train = new HashSet<>(m.split("train", file));
            for (Subset s : m.probeSubsets().subsets()) {
                String what = "probe subset (fraction " + s.fraction() + ", repeat " + s.repeat() + ")";
                noDuplicates(file, what, s.dicomIds());
                for (String id : s.dicomIds())
                    if (!train.contains(id)) throw bad(file, what + " names dicom_id '" + id + "', which is not in its train split");
            }
        }
        return m;
    }

    /** Refuses a manifest written for another evaluation. */
    public SplitManifest requireTask(String expected, Path file) {
        if (!task.equals(expected))
            throw bad(file, "it was written for the " + task + " evaluation, not " + expected
                    + " (use the manifest.json under RUN/eval/" + expected + "/)");
        return this;
    }

    /** The dicom_ids of a split, refusing a manifest that lacks it. */
    public List<String> split(String name, Path file) {
        List<String> ids = splits.get(name);
        if (ids == null || ids.isEmpty()) throw bad(file, "it has no '" + name + "' split (it has " + splits.keySet() + ")");
        return ids;
    }

    /**
     * The items named by {@code ids}, in that order, looked up in {@code byId}; an id the data set lacks is refused
     * with the id, the data set and the manifest named.
     */
    public static <T> List<T> resolve(List<String> ids, Map<String, T> byId, Path file, String dataName) {
        List<T> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            T t = byId.get(id);
            if (t == null) throw bad(file, "it names dicom_id '" + id + "', which the data set " + dataName + " does not have");
            out.add(t);
        }
        return out;
    }

    private static void noDuplicates(Path file, String what, List<String> ids) {
        if (ids == null) throw bad(file, what + " has no dicom_ids");
        Set<String> seen = new HashSet<>();
        for (String id : ids) if (!seen.add(id)) throw bad(file, what + " lists dicom_id '" + id + "' twice");
    }

    static IllegalArgumentException bad(Path file, String why) {
        return new IllegalArgumentException("split manifest " + file + ": " + why);
    }
}
