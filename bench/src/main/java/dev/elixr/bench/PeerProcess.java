package dev.elixr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A peer benchmark (numpy, PyTorch) kept running beside ours: a bundled Python script started once, then asked for one
 * JSON line at a time (set up an operation, time one round) on its stdin, each answered by one JSON line on its stdout.
 * Keeping it alive lets {@link Timing#sideBySide} alternate its rounds with ours, so both sides are timed over the same
 * stretch of the machine's time. Its stderr goes to ours.
 */
final class PeerProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name;
    private final Process process;
    private final BundledScript script;
    private final BufferedWriter in;
    private final BufferedReader out;

    private PeerProcess(String name, Process process, BundledScript script) {
        this.name = name;
        this.process = process;
        this.script = script;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts {@code python} on the bundled resource {@code resource} (copied to a directory of its own) with these arguments,
     * its environment first edited by {@code environment}.
     */
    static PeerProcess start(String python, String resource, List<String> args, Consumer<Map<String, String>> environment)
            throws IOException {
        BundledScript script = BundledScript.copy(resource);
        List<String> cmd = new ArrayList<>(List.of(python, script.file().toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        environment.accept(pb.environment());
        try {
            return new PeerProcess(resource, pb.start(), script);
        } catch (IOException e) {
            script.close();
            throw e;
        }
    }

    /** Sends one JSON line and returns the peer's one-line answer. */
    JsonNode ask(String jsonLine) throws IOException {
        in.write(jsonLine);
        in.newLine();
        in.flush();
        return next("an answer to " + jsonLine);
    }

    /** The peer's next JSON line (what it prints unasked, e.g. when ready); an exception names the peer when it ended instead. */
    JsonNode next(String expected) throws IOException {
        String line = out.readLine();
        if (line == null) throw new IOException(name + " ended before " + expected
                + (process.isAlive() ? "" : " (exit status " + process.exitValue() + ")"));
        return JSON.readTree(line);
    }

    /** Closes the peer's input (it then exits), waits briefly for it, and removes its script. */
    @Override
    public void close() {
        try {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            script.close();
        }
    }
}
