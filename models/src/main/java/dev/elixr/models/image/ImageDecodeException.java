package dev.elixr.models.image;

import java.io.IOException;
import java.nio.file.Path;

/** An image file that {@link ImageDecoder} refused; the message names the file and the reason. */
public final class ImageDecodeException extends IOException {
    private final Path file;
    private final String reason;

    public ImageDecodeException(Path file, String reason) { this(file, reason, null); }

    public ImageDecodeException(Path file, String reason, Throwable cause) {
        super("cannot read image " + file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    public Path file() { return file; }

    /** Why, without the file name. */
    public String reason() { return reason; }
}
