package dev.elixr.tasks.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLockTest {
    @TempDir Path dir;

    @Test void aSecondWriterInTheSameProcessIsRefusedNamingTheHolderUntilTheFirstCloses() throws Exception {
        Path run = dir.resolve("run");
        try (RunLock first = RunLock.acquire(run)) {
            var e = assertThrows(RunLock.RunInUseException.class, () -> RunLock.acquire(run));
            assertTrue(e.getMessage().contains(run.toString()) && e.getMessage().contains("pid " + ProcessHandle.current().pid()),
                    e.getMessage());
        }
        try (RunLock again = RunLock.acquire(run)) {
            assertTrue(Files.readString(again.file()).startsWith("pid " + ProcessHandle.current().pid()));
        }
    }

    @Test void theEarlyCheckRefusesAHeldRunNamingTheHolderAndCreatesNothingForANewOne() throws Exception {
        Path run = dir.resolve("checked");
        RunLock.requireFree(run);
        assertTrue(!Files.exists(run), "nothing created");
        try (RunLock held = RunLock.acquire(run)) {
            var e = assertThrows(RunLock.RunInUseException.class, () -> RunLock.requireFree(run));
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        }
        RunLock.requireFree(run);
    }

    @Test void aLockFileLeftBehindWithoutALiveHolderIsStaleAndTakenOver() throws Exception {
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve(RunLock.FILE), "pid 999999 on elsewhere since 2026-01-01T00:00:00Z");
        try (RunLock lock = RunLock.acquire(run)) {
            assertTrue(Files.readString(lock.file()).startsWith("pid " + ProcessHandle.current().pid()));
        }
    }

    /** A child JVM holds the lock: this process is refused with the child's PID; once the child is killed, it is not. */
    @Test void anotherProcessHoldingTheRunIsNamedAndItsLockDiesWithIt() throws Exception {
        Path run = dir.resolve("run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(), run.toString())
                .redirectErrorStream(true).start();
        try {
            var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", in.readLine());
            var e = assertThrows(RunLock.RunInUseException.class, () -> RunLock.acquire(run));
            assertTrue(e.getMessage().contains("pid " + child.pid()), e.getMessage());
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        try (RunLock lock = RunLock.acquire(run)) {
            assertTrue(Files.readString(lock.file()).startsWith("pid " + ProcessHandle.current().pid()));
        }
    }

    /** The child: takes the lock, says so, and waits to be killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            RunLock.acquire(Path.of(args[0]));
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
