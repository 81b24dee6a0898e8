package dev.elixr.tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A failed command's one line names the file and the reason, also where Java's message is a bare path. */
class ErrorLineTest {
    @Test void fileSystemRefusalsNameThePathAndTheReason() {
        assertEquals("elixr: /runs/R: permission denied (not writable or not readable by this user)",
                ErrorLine.of(new AccessDeniedException("/runs/R")));
        assertEquals("elixr: /runs/R: Read-only file system", ErrorLine.of(new FileSystemException("/runs/R", null, "Read-only file system")));
        assertEquals("elixr: /data/x.csv: no such file or directory", ErrorLine.of(new NoSuchFileException("/data/x.csv")));
        assertEquals("elixr: /runs/R: permission denied (not writable or not readable by this user)",
                ErrorLine.of(new UncheckedIOException(new AccessDeniedException("/runs/R"))));
    }

    @Test void otherMessagesStayOnOneLineAndNeverComeOutEmpty() {
        assertEquals("elixr: first second", ErrorLine.of(new IOException("first\n  second\n")));
        assertEquals("elixr: NullPointerException", ErrorLine.of(new NullPointerException()));
        assertEquals("elixr: --batch 1: a contrastive batch must be in [2, 65536]",
                ErrorLine.of(new IllegalArgumentException("--batch 1: a contrastive batch must be in [2, 65536]")));
    }
}
