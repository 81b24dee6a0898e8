package dev.elixr.autograd.io;

import java.io.IOException;
import java.nio.file.Path;

/** A tensor file (safetensors, .npy, checkpoint) that cannot be read or written; the message names the file and the tensor. */
public final class TensorFileException extends IOException {
    public TensorFileException(Path file, String message) { super(file + ": " + message); }

    public TensorFileException(Path file, String message, Throwable cause) { super(file + ": " + message, cause); }
}
