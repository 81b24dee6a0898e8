package dev.elixr.tasks.train;

import dev.elixr.autograd.io.Checkpoint;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.optim.Optimizer;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Where a training continues: without {@code --resume} step 0 and an empty history; with it, the newest checkpoint that
 * loads (damaged ones are named and skipped by {@link Checkpoints#latest}), restored into the model and the optimiser.
 * Checkpoints that exist but all fail to load are refused: a silent restart from step 0 would overwrite them.
 * Shared by every training (ELIXR-C, ELIXR-B stages 1 and 2, the LM).
 *
 * @param checkpoint the restored checkpoint (its extra state, e.g. a momentum queue), or null when starting fresh
 */
public record Resumption(long step, TrainingHistory history, Checkpoint checkpoint) {

    public static Resumption of(boolean resume, Checkpoints checkpoints, Module model, Optimizer opt, long total, PrintStream log)
            throws IOException {
        if (!resume) return new Resumption(0, new TrainingHistory(), null);
        Checkpoint c = ContrastiveTraining.onHeap(checkpoints.latest(log));
        if (c == null && !checkpoints.list().isEmpty())
            throw new IOException("every checkpoint in " + checkpoints.dir() + " is damaged (see above); refusing to restart "
                    + "from step 0 silently: move them away to start over, or restore one from a copy");
        if (c == null) return new Resumption(0, new TrainingHistory(), null);
        c.restore(model, opt);
        log.printf(Locale.ROOT, "elixr: resumed from step %d of %d%n", c.step(), total);
        return new Resumption(c.step(), ContrastiveTraining.readHistory(c), c);
    }
}
