package dev.elixr.tasks.train;

import dev.elixr.autograd.io.Checkpoint;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint that cannot be written (a full disk) is reported naming the file, the reason and the previous
 * checkpoint, which stays intact and loadable; the partial temporary file is removed. Once through the writing seam
 * (an injected "No space left on device" after half a file), once on a real full file system (a 384 KiB tmpfs, where
 * this test may mount one: as root with mount rights; skipped with the reason otherwise).
 */
class CheckpointWriteFailureTest {
    @TempDir Path dir;

    static Checkpoint checkpoint(long step, int floats) {
        float[] w = new float[floats];
        Arrays.fill(w, step);
        return new Checkpoint(Map.of("w", Tensor.wrap(w, floats)), null, step, Map.of("note", "step " + step));
    }

    @Test void anInjectedDiskFullNamesTheFileAndKeepsThePreviousCheckpoint() throws IOException {
        Path run = dir.resolve("run");
        Checkpoints.Writer failOnStep2 = (file, c) -> {
            if (c.step() < 2) { Checkpoint.save(file, c); return; }
            Files.write(file.resolveSibling(file.getFileName() + ".4711.tmp"), new byte[1000]);  // half written, then the disk is full
            throw new IOException("No space left on device");
        };
        Checkpoints checkpoints = new Checkpoints(run, 2, failOnStep2);
        Path first = checkpoints.save(checkpoint(1, 256));
        byte[] before = Files.readAllBytes(first);

        IOException e = assertThrows(IOException.class, () -> checkpoints.save(checkpoint(2, 256)));
        assertEquals("cannot write checkpoint " + checkpoints.dir().resolve("step-000000002.ckpt") + ": No space left on device; "
                + "the previous checkpoint " + first + " is intact (free space or fix the directory, then --resume continues from it)",
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(first));
        assertEquals(1, Checkpoint.load(first).step());
        assertEquals(java.util.List.of(first), checkpoints.list());
        assertTrue(checkpoints.strayTemporaries().isEmpty(), "the partial file is removed");
    }

    @Test void aRealFullFileSystemNamesTheFileAndKeepsThePreviousCheckpoint() throws Exception {
        Path small = dir.resolve("small");
        Files.createDirectories(small);
        Tmpfs.mountOrSkip(small, "size=384k");
        try {
            Checkpoints checkpoints = new Checkpoints(small.resolve("run"), 2);
            Path first = checkpoints.save(checkpoint(1, 64 * 1024));  // 256 KiB of weights: fits once, not twice
            byte[] before = Files.readAllBytes(first);
            IOException e = assertThrows(IOException.class, () -> checkpoints.save(checkpoint(2, 64 * 1024)));
            assertTrue(e.getMessage().startsWith("cannot write checkpoint " + checkpoints.dir().resolve("step-000000002.ckpt") + ": "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertTrue(e.getMessage().contains("the previous checkpoint " + first + " is intact"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(first));
            assertEquals(1, Checkpoint.load(first).step());
            assertTrue(checkpoints.strayTemporaries().isEmpty(), "the partial file is removed");
        } finally {
            Tmpfs.unmount(small);
        }
    }

    /** A tmpfs mounted for one test, where the machine lets the test mount one. */
    static final class Tmpfs {
        static void mountOrSkip(Path at, String options) throws Exception {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount a tmpfs here (needs root and mount rights): " + out.strip());
        }

        static void unmount(Path at) throws Exception {
            new ProcessBuilder("umount", "-l", at.toString()).inheritIO().start().waitFor();
        }
    }
}
