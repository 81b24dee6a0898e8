package dev.elixr.tasks.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One free-text radiology report file ({@code s<study>.txt}), read strictly: UTF-8 (a byte-order mark is dropped), at most
 * {@link #MAX_BYTES}. A report that cannot be used is never an error that ends a run and never silently becomes empty
 * text: it comes back with its {@link Problem}, for the data set to skip the study and count it.
 */
public final class ReportFile {
    /** Larger than any radiology report by orders of magnitude (MIMIC-CXR's longest is a few kilobytes). */
    public static final int MAX_BYTES = 1 << 20;

    /** Why a report cannot be used, as metrics.json and run.json count them ({@link #key}). */
    public enum Problem {
        MISSING("missing"), EMPTY("empty"), BINARY("binary"), TOO_LARGE("too_large"), UNREADABLE("unreadable");

        private final String key;

        Problem(String key) { this.key = key; }

        public String key() { return key; }
    }

    /** A report's text, or (text null) the problem that makes it unusable and a short detail for the log. */
    public record Report(Path file, String text, Problem problem, String detail) {
        public boolean usable() { return problem == null; }

        static Report of(Path file, String text) { return new Report(file, text, null, null); }

        static Report unusable(Path file, Problem p, String detail) { return new Report(file, null, p, detail); }
    }

    private ReportFile() {}

    /** Reads a report file; never throws. */
    public static Report read(Path file) {
        if (!Files.exists(file)) return Report.unusable(file, Problem.MISSING, "no such file");
        if (!Files.isRegularFile(file)) return Report.unusable(file, Problem.UNREADABLE, "not a regular file");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES)
                return Report.unusable(file, Problem.TOO_LARGE, "larger than " + MAX_BYTES + " bytes: not a report");
            return decode(bytes, file);
        } catch (NoSuchFileException e) {
            return Report.unusable(file, Problem.MISSING, "no such file");
        } catch (IOException e) {
            return Report.unusable(file, Problem.UNREADABLE, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The report held in {@code bytes} (the contents of {@code file}); never throws. */
    public static Report decode(byte[] bytes, Path file) {
        if (bytes.length > MAX_BYTES) return Report.unusable(file, Problem.TOO_LARGE, "larger than " + MAX_BYTES + " bytes: not a report");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return Report.unusable(file, Problem.BINARY, "not UTF-8 text (" + e.getMessage() + ")");
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        if (text.indexOf('\0') >= 0) return Report.unusable(file, Problem.BINARY, "holds NUL characters: not text");
        if (text.isBlank()) return Report.unusable(file, Problem.EMPTY, bytes.length == 0 ? "empty file" : "only white space");
        return Report.of(file, text);
    }
}
