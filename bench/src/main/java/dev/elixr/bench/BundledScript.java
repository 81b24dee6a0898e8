package dev.elixr.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Python script bundled in the bench jar, copied to a directory of its own for one run. Python puts the script's
 * directory first on {@code sys.path}, so in a shared temporary directory any {@code dis.py} or {@code random.py}
 * left there would shadow the standard library's module when numpy or torch imports it.
 */
record BundledScript(Path dir, Path file) implements AutoCloseable {

    /** Copies {@code resource} (next to this class) into a new temporary directory; an exception names a missing resource. */
    static BundledScript copy(String resource) throws IOException {
        Path dir = Files.createTempDirectory("elixr-bench-");
        Path file = dir.resolve(resource);
        try (InputStream in = BundledScript.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("resource " + resource + " is missing from the bench jar");
            Files.write(file, in.readAllBytes());
        } catch (IOException e) {
            deleteQuietly(file, dir);
            throw e;
        }
        return new BundledScript(dir, file);
    }

    /** Removes the script, its bytecode cache if Python wrote one, and the directory. */
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
