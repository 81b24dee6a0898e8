package dev.elixr.models.image;

import java.io.IOException;
import java.nio.file.Path;

/** An image file that {@link ImageDecoder} refused; the message names the file and the reason, {@link #problem} its kind. */
public final class ImageDecodeException extends IOException {
    /** Why an image was refused, as data sets count their skipped images ({@link #key}). */
    public enum Problem {
        MISSING("missing"), NOT_AN_IMAGE("not_png_or_jpeg"), TOO_LARGE("too_large"), CORRUPT("corrupt_or_truncated");

        private final String key;

        Problem(String key) { this.key = key; }

        /** The snake_case word recorded in metrics.json and run.json. */
        public String key() { return key; }
    }

    private final Path file;
    private final String reason;
    private final Problem problem;

    public ImageDecodeException(Path file, Problem problem, String reason) { this(file, problem, reason, null); }

    public ImageDecodeException(Path file, Problem problem, String reason, Throwable cause) {
        super("cannot read image " + file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
        this.problem = problem;
    }

    public Path file() { return file; }

    /** Why, without the file name. */
    public String reason() { return reason; }

    public Problem problem() { return problem; }
}
