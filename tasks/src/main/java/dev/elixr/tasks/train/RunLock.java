package dev.elixr.tasks.train;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One writer per run directory: an operating-system lock on {@code RUN/.lock}, taken before anything is written and
 * held until {@link #close()}. The file records the holder (PID, host, start time) so that a refusal can name it. The
 * lock dies with its process, so a file left by a killed run is stale and taken over, never mistaken for a live one.
 * The file itself stays after release (deleting it would let two later writers lock two different files).
 */
public final class RunLock implements AutoCloseable {
    static final String FILE = ".lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of runDir (creating the directory), or refuses naming the holder. */
    public static RunLock acquire(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        Path file = runDir.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process
        } catch (IOException e) {
            ch.close();
            throw new IOException(runDir + ": cannot lock the run directory (" + e.getMessage() + ")", e);
        }
        if (lock == null) {
            String holder = holder(ch);
            ch.close();
            throw new RunInUseException(runDir + " is in use by another run (" + holder + "); wait for it to finish, "
                    + "or write to another --out");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(describeThisProcess().getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        return new RunLock(file, ch, lock);
    }

    /**
     * Refuses, naming the holder, when another writer holds the lock of runDir now; creates and changes nothing (a check
     * before long preparation; {@link #acquire} is still the lock).
     */
    public static void requireFree(Path runDir) throws IOException {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file) || !Files.isWritable(file)) return;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null)
                throw new RunInUseException(runDir + " is in use by another run (" + holder(ch) + "); wait for it to finish, "
                        + "or write to another --out");
            lock.release();
        }
    }

    /** A refusal because another process (or this one) holds the run directory. */
    public static final class RunInUseException extends IOException {
        RunInUseException(String message) { super(message); }
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 512));
            ch.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "holder unknown" : s;
        } catch (IOException e) {
            return "holder unknown: " + e.getMessage();
        }
    }

    static String describeThisProcess() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return "pid " + ProcessHandle.current().pid() + " on " + host + " since " + Instant.now();
    }

    /** The lock file, {@code RUN/.lock}. */
    public Path file() { return file; }

    /** Releases the lock. */
    @Override public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
