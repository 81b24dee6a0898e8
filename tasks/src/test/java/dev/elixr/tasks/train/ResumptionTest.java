package dev.elixr.tasks.train;

import dev.elixr.autograd.io.Checkpoint;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.optim.AdamW;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResumptionTest {
    private final PrintStream log = new PrintStream(new ByteArrayOutputStream());

    @Test
    void withoutResumeStartsAtStepZeroEvenWhenCheckpointsExist(@TempDir Path run) throws IOException {
        Linear model = new Linear(3, 2, true, new Random(1));
        AdamW opt = new AdamW(model.parameters(), 1e-3, 0.0);
        Checkpoints checkpoints = new Checkpoints(run, 2);
        checkpoints.save(Checkpoint.capture(model, opt, 5));
        Resumption r = Resumption.of(false, checkpoints, model, opt, 10, log);
        assertEquals(0, r.step());
        assertNull(r.checkpoint());
    }

    @Test
    void resumeContinuesFromTheNewestCheckpointsStep(@TempDir Path run) throws IOException {
        Linear model = new Linear(3, 2, true, new Random(1));
        AdamW opt = new AdamW(model.parameters(), 1e-3, 0.0);
        Checkpoints checkpoints = new Checkpoints(run, 2);
        checkpoints.save(Checkpoint.capture(model, opt, 5));
        Resumption r = Resumption.of(true, checkpoints, new Linear(3, 2, true, new Random(2)), opt, 10, log);
        assertEquals(5, r.step());
    }

    @Test
    void resumeRefusesWhenEveryCheckpointIsDamagedInsteadOfRestartingAtStepZero(@TempDir Path run) throws IOException {
        Linear model = new Linear(3, 2, true, new Random(1));
        AdamW opt = new AdamW(model.parameters(), 1e-3, 0.0);
        Checkpoints checkpoints = new Checkpoints(run, 2);
        Path saved = checkpoints.save(Checkpoint.capture(model, opt, 5));
        Files.write(saved, new byte[] {1, 2, 3, 4});
        IOException e = assertThrows(IOException.class, () -> Resumption.of(true, checkpoints, model, opt, 10, log));
        assertTrue(e.getMessage().contains("damaged") && e.getMessage().contains(checkpoints.dir().toString()), e.getMessage());
    }
}
