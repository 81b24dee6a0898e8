package dev.elixr.tools;

import dev.elixr.autograd.AnomalyMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** `elixr train elixr-c --detect-anomaly` runs a healthy training with per-op checks on and finds nothing. */
class TrainElixrCCommandTest {
    @TempDir Path tmp;

    @Test void detectAnomalyOnAHealthyRun() throws Exception {
        Path data = tmp.resolve("data"), run = tmp.resolve("run");
        assertEquals(0, new CommandLine(new Elixr()).execute("data", "synth", "--out", data.toString(), "--studies", "24",
                "--seed", "3", "--size", "32", "--no-progress"));
        int code = new CommandLine(new Elixr()).execute("train", "elixr-c", "--data", data.toString(), "--out", run.toString(),
                "--image-size", "32", "--batch", "8", "--epochs", "1", "--stop-after", "2", "--detect-anomaly");
        assertEquals(0, code);
        assertTrue(Files.readString(run.resolve("run.json")).contains("--detect-anomaly"));
        assertFalse(Files.exists(run.resolve("diagnostics")));
        assertFalse(AnomalyMode.isEnabled());
    }
}
