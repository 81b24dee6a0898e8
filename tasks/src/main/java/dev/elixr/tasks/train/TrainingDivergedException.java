package dev.elixr.tasks.train;

import java.nio.file.Path;

/** A training run stopped by {@link NumericalGuard}: values became NaN or infinite at {@link #step()}. */
public final class TrainingDivergedException extends IllegalStateException {
    private final long step;
    private final Path diagnostic;

    public TrainingDivergedException(long step, Path diagnostic, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
        this.diagnostic = diagnostic;
    }

    /** The step that failed (1-based, as checkpoints are named). */
    public long step() { return step; }

    /** The diagnostic checkpoint written before stopping, or null when it could not be written. */
    public Path diagnostic() { return diagnostic; }
}
