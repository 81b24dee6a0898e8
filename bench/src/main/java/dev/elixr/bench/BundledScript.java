package dev.elixr.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Python script bundled in the bench jar, copied to a directory of its own for one run, with the modules the peer
 * scripts share ({@link #SHARED}) beside it. Python puts the script's directory first on {@code sys.path}, so in a
 * shared temporary directory any {@code dis.py} or {@code random.py} left there would shadow the standard library's
 * module when numpy or torch imports it.
 */
record BundledScript(Path dir, Path file) implements AutoCloseable {

    /** Modules every peer script may import: {@code peer_quiet} (wait until the peer's worker threads stop spinning). */
    static final List<String> SHARED = List.of("peer_quiet.py");

    /** Copies {@code resource} (next to this class) and {@link #SHARED} into a new temporary directory; an exception names a missing resource. */
    static BundledScript copy(String resource) throws IOException {
        Path dir = Files.createTempDirectory("elixr-bench-");
        Path file = dir.resolve(resource);
        try {
            write(resource, file);
            for (String module : SHARED) write(module, dir.resolve(module));
        } catch (IOException e) {
            new BundledScript(dir, file).close();
            throw e;
        }
        return new BundledScript(dir, file);
    }

    private static void write(String resource, Path to) throws IOException {
        try (InputStream in = BundledScript.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("resource " + resource + " is missing from the bench jar");
            Files.write(to, in.readAllBytes());
        }
    }

    /** Removes the script, the shared modules, their bytecode cache if Python wrote one, and the directory. */
    @Override
    public void close() {
        deleteQuietly(file, dir.resolve("__pycache__"), dir);
    }

    private static void deleteQuietly(Path... paths) {
        for (Path p : paths) {
            try {
                if (Files.isDirectory(p)) try (var s = Files.list(p)) {
                    for (Path q : s.toList()) Files.deleteIfExists(q);
                }
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }
}
