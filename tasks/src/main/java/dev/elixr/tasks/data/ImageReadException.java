package dev.elixr.tasks.data;

import java.io.IOException;
import java.nio.file.Path;

/** An image file that could not be decoded: missing, truncated, or not a PNG/JPEG. The message names the file. */
public final class ImageReadException extends IOException {
    private final Path file;

    public ImageReadException(Path file, String reason, Throwable cause) {
        super("cannot read image " + file + ": " + reason, cause);
        this.file = file;
    }

    public Path file() { return file; }
}
