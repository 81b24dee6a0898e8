package dev.elixr.tasks.data;

import dev.elixr.models.image.ImageDecodeException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An image file that could not be decoded: missing, truncated, too large, or not a PNG/JPEG. The message names the
 * file; {@link #problem} is the kind a data set counts it under.
 */
public final class ImageReadException extends IOException {
    private final Path file;
    private final ImageDecodeException.Problem problem;

    public ImageReadException(Path file, ImageDecodeException.Problem problem, String reason, Throwable cause) {
        super("cannot read image " + file + ": " + reason, cause);
        this.file = file;
        this.problem = problem;
    }

    public Path file() { return file; }

    public ImageDecodeException.Problem problem() { return problem; }
}
