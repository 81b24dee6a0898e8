package dev.elixr.tools;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one line {@code elixr} prints for a failed command: the message, with the file and the reason when the file
 * system refused (Java's own messages for those are a bare path, "elixr: /path/R"), never a stack trace
 * ({@code -Delixr.debug=true} adds it).
 */
final class ErrorLine {
    private ErrorLine() {}

    static String of(Throwable e) {
        while ((e instanceof UncheckedIOException || e instanceof ExecutionException || e instanceof CompletionException)
                && e.getCause() != null) e = e.getCause();
        String text = e instanceof FileSystemException f ? fileSystem(f)
                : e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        return "elixr: " + text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String fileSystem(FileSystemException f) {
        String why = f.getReason() != null ? f.getReason()
                : f instanceof AccessDeniedException ? "permission denied (not writable or not readable by this user)"
                : f instanceof NoSuchFileException ? "no such file or directory"
                : f instanceof FileAlreadyExistsException ? "already exists"
                : f instanceof NotDirectoryException ? "not a directory"
                : f instanceof DirectoryNotEmptyException ? "directory not empty"
                : f.getClass().getSimpleName();
        String file = f.getFile() == null ? "" : f.getFile() + ": ";
        return file + why + (f.getOtherFile() == null ? "" : " (" + f.getOtherFile() + ")");
    }
}
