package dev.elixr.tasks.data.dicom;

import java.io.IOException;
import java.nio.file.Path;

/** A DICOM file that could not be read: malformed, truncated, over a limit or unsupported. The message names the file. */
public final class DicomException extends IOException {
    private final Path file;

    public DicomException(Path file, String reason) { this(file, reason, null); }

    public DicomException(Path file, String reason, Throwable cause) {
        super("cannot read DICOM " + file + ": " + reason, cause);
        this.file = file;
    }

    public Path file() { return file; }
}
