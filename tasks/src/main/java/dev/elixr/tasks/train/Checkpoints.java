package dev.elixr.tasks.train;

import dev.elixr.autograd.io.Checkpoint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The checkpoints of a run: {@code RUN/checkpoints/step-000000123.ckpt}, each written atomically; the newest
 * {@code keep} are kept. Resuming takes the newest that loads, so a file torn by a kill (which atomic writes
 * prevent anyway) or a damaged one falls back to the previous checkpoint. Temporary files left by a writer that was
 * killed are removed by the next save.
 */
public final class Checkpoints {
    /** How one checkpoint file is written ({@link Checkpoint#save}; tests inject failures such as a full disk here). */
    @FunctionalInterface
    interface Writer {
        void write(Path file, Checkpoint c) throws IOException;
    }

    private final Path dir;
    private final int keep;
    private final Writer writer;

    public Checkpoints(Path runDir, int keep) { this(runDir, keep, Checkpoint::save); }

    Checkpoints(Path runDir, int keep, Writer writer) {
        this.dir = runDir.resolve("checkpoints");
        this.keep = keep;
        this.writer = writer;
    }

    public Path dir() { return dir; }

    /** Where {@link NumericalGuard} writes diagnostic checkpoints: {@code RUN/diagnostics}, apart from the resume ones. */
    public Path diagnostics() { return dir.resolveSibling("diagnostics"); }

    /**
     * Writes checkpoint {@code c} (atomically) and removes the older ones beyond {@code keep}. A failed write (a full
     * disk, a directory that is not writable) removes its partial temporary file, keeps every earlier checkpoint, and
     * is reported naming the file, the reason and the checkpoint a {@code --resume} would continue from.
     */
    public Path save(Checkpoint c) throws IOException {
        Path file = dir.resolve(String.format("step-%09d.ckpt", c.step()));
        try {
            writer.write(file, c);
        } catch (IOException e) {
            for (Path stray : strayTemporaries()) Files.deleteIfExists(stray);
            List<Path> earlier = list();
            throw new IOException("cannot write checkpoint " + file + ": " + WriteFailure.reason(e) + "; "
                    + (earlier.isEmpty() ? "no earlier checkpoint exists" : "the previous checkpoint " + earlier.getLast()
                    + " is intact (free space or fix the directory, then --resume continues from it)"), e);
        }
        List<Path> all = list();
        for (int i = 0; i + keep < all.size(); i++) Files.deleteIfExists(all.get(i));
        for (Path stray : strayTemporaries()) Files.deleteIfExists(stray);
        return file;
    }

    /** The newest loadable checkpoint, or null when there is none. */
    public Checkpoint latest(PrintStream log) {
        List<Path> all = list();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                return Checkpoint.load(all.get(i));
            } catch (IOException | RuntimeException e) {
                log.println("elixr: cannot load checkpoint " + all.get(i) + " (" + e.getMessage() + "); trying an older one");
            }
        }
        return null;
    }

    /** Checkpoint files, oldest first. */
    public List<Path> list() { return matching("step-\\d+\\.ckpt"); }

    /** Temporary files of checkpoint writes that never finished (the writer was killed). */
    public List<Path> strayTemporaries() { return matching("step-\\d+\\.ckpt\\..*\\.tmp"); }

    private List<Path> matching(String regex) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches(regex)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
