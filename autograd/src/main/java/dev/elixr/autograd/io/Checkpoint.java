package dev.elixr.autograd.io;

import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.optim.CosineSchedule;
import dev.elixr.autograd.optim.Optimizer;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a training run needs to continue bitwise: model parameters and buffers, optimiser state,
 * step, schedule, generator states and free-form strings. Stored as one safetensors file (tensors
 * "model/…" and "optim/…", the rest in the metadata), written atomically: a temporary file in the same
 * directory, fsync, rename over the old one, fsync of the directory — a kill at any moment leaves either
 * the previous or the new checkpoint, never a torn one. Every checkpoint carries the SHA-256 seal of its contents
 * (see {@link Safetensors}); loading refuses one without a matching seal as damaged, before any value is used.
 */
public record Checkpoint(Map<String, Tensor> model, Optimizer.State optimizer, long step, Map<String, String> extra,
                         Map<String, Tensor> state) {
    private static final String MODEL = "model/", OPTIM = "optim/", STATE = "state/";
    /**
     * Test hook for kill tests (never set in production): the save of the checkpoint for step
     * {@code elixr.test.checkpoint.pauseAtStep} stops half-way through its temporary file, creates the file named by
     * {@code elixr.test.checkpoint.pauseMarker} and sleeps, so that a kill lands mid-write deterministically.
     */
    public static final String PAUSE_AT_STEP = "elixr.test.checkpoint.pauseAtStep", PAUSE_MARKER = "elixr.test.checkpoint.pauseMarker";

    public Checkpoint {
        model = Map.copyOf(new LinkedHashMap<>(model));
        extra = Map.copyOf(extra);
        state = Map.copyOf(new LinkedHashMap<>(state));
    }

    /** A checkpoint without training-state tensors. */
    public Checkpoint(Map<String, Tensor> model, Optimizer.State optimizer, long step, Map<String, String> extra) {
        this(model, optimizer, step, extra, Map.of());
    }

    /** A copy with more training-state tensors (e.g. a queue of negatives), stored as "state/NAME". */
    public Checkpoint withState(Map<String, Tensor> more) {
        Map<String, Tensor> m = new LinkedHashMap<>(state);
        m.putAll(more);
        return new Checkpoint(model, optimizer, step, extra, m);
    }

    /** The current state of a run (tensors are referenced, not copied: save before the next step). */
    public static Checkpoint capture(Module model, Optimizer optimizer, long step) {
        return new Checkpoint(model.stateDict(), optimizer == null ? null : optimizer.state(), step, Map.of());
    }

    /** A copy with one more string entry. */
    public Checkpoint with(String key, String value) {
        Map<String, String> e = new LinkedHashMap<>(extra);
        e.put(key, value);
        return new Checkpoint(model, optimizer, step, e, state);
    }

    /** A copy that records a generator's state under name. */
    public Checkpoint withRng(String name, SplitMix64 rng) { return with("rng." + name, Long.toString(rng.state())); }

    /** Sets rng to the state recorded under name. */
    public void restoreRng(String name, SplitMix64 rng) {
        String s = extra.get("rng." + name);
        if (s == null) throw new IllegalArgumentException("checkpoint has no generator state '" + name + "'");
        rng.setState(Long.parseLong(s));
    }

    /** A copy that records the schedule. */
    public Checkpoint withSchedule(CosineSchedule s) {
        return with("schedule", s.baseLr() + "," + s.warmupSteps() + "," + s.totalSteps() + "," + s.minLr());
    }

    /** The recorded schedule, or null. */
    public CosineSchedule schedule() {
        String s = extra.get("schedule");
        if (s == null) return null;
        String[] p = s.split(",");
        return new CosineSchedule(Double.parseDouble(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]), Double.parseDouble(p[3]));
    }

    /**
     * Loads parameters and buffers into model (strict) and the optimiser state into optimizer (if both are present).
     * Values are copied to the heap (a run continues exactly as one that never stopped, whose tensors live there).
     */
    public void restore(Module model, Optimizer optimizer) {
        Map<String, Tensor> heap = new LinkedHashMap<>();
        this.model.forEach((k, v) -> heap.put(k, Tensor.of(v.toFloatArray(), v.shape())));
        model.loadStateDict(heap, true);
        if (optimizer != null && this.optimizer != null) optimizer.loadState(this.optimizer);
    }

    /** Writes the checkpoint atomically to path. */
    public static void save(Path path, Checkpoint c) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        c.model.forEach((k, v) -> tensors.put(MODEL + k, v));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "elixr-checkpoint-1");
        meta.put("step", Long.toString(c.step));
        if (c.optimizer != null) {
            c.optimizer.tensors().forEach((k, v) -> tensors.put(OPTIM + k, v));
            meta.put("optim.lr", Double.toString(c.optimizer.lr()));
            meta.put("optim.steps", Long.toString(c.optimizer.steps()));
        }
        c.extra.forEach((k, v) -> meta.put("extra." + k, v));
        c.state.forEach((k, v) -> tensors.put(STATE + k, v));
        Path tmp = Files.createTempFile(dir, abs.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                Safetensors.write(ch, tensors, meta);
                ch.force(true);
                pauseMidWriteIfAsked(ch, c.step);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new TensorFileException(abs, "the file system cannot rename atomically; choose another directory", e);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a checkpoint written by {@link #save}. */
    public static Checkpoint load(Path path) throws IOException {
        Safetensors.Contents contents = Safetensors.open(path);
        Map<String, String> meta = contents.metadata();
        if (!"elixr-checkpoint-1".equals(meta.get("format"))) {
            throw new TensorFileException(path, "not an elixr checkpoint (metadata format is " + meta.get("format") + ")");
        }
        if (!contents.sealed())
            throw new TensorFileException(path, "damaged or written by an older version: a checkpoint must carry its content checksum");
        Map<String, Tensor> model = new LinkedHashMap<>(), optim = new LinkedHashMap<>(), state = new LinkedHashMap<>();
        contents.tensors().forEach((k, v) -> {
            if (k.startsWith(MODEL)) model.put(k.substring(MODEL.length()), v);
            else if (k.startsWith(OPTIM)) optim.put(k.substring(OPTIM.length()), v);
            else if (k.startsWith(STATE)) state.put(k.substring(STATE.length()), v);
        });
        Map<String, String> extra = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith("extra.")) extra.put(k.substring(6), v);
        });
        try {
            Optimizer.State os = meta.containsKey("optim.steps")
                    ? new Optimizer.State(optim, Double.parseDouble(meta.get("optim.lr")), Long.parseLong(meta.get("optim.steps"))) : null;
            return new Checkpoint(model, os, Long.parseLong(meta.get("step")), extra, state);
        } catch (RuntimeException e) {
            throw new TensorFileException(path, "bad checkpoint metadata: " + e.getMessage(), e);
        }
    }

    private static void pauseMidWriteIfAsked(FileChannel ch, long step) throws IOException {
        String at = System.getProperty(PAUSE_AT_STEP), marker = System.getProperty(PAUSE_MARKER);
        if (at == null || marker == null || Long.parseLong(at) != step) return;
        ch.truncate(ch.size() / 2);
        ch.force(true);
        Files.writeString(Path.of(marker), "paused writing the checkpoint of step " + step);
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("checkpoint write interrupted at the test pause");
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot open directories; the rename itself is still atomic
        }
    }
}
