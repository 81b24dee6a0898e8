package dev.elixr.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs numpy_bench.py (a resource of this module) with the first {@code python3} on PATH, the thread
 * count in OPENBLAS_NUM_THREADS/OMP_NUM_THREADS, and OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed
 * (set to Haswell values on this machine, they halve OpenBLAS) unless {@link #coreType(String)} names one: to compare
 * against OpenBLAS's AVX2 (Haswell) kernels while our JVM runs with -XX:UseAVX=2 on an AVX-512 machine. Without
 * python3 + numpy every answer is empty and the tables say n/a.
 */
public final class Numpy {
    private static final Pattern SECONDS = Pattern.compile("\"seconds\":\\s*([0-9.eE+-]+)");
    private static volatile Boolean available;
    private static Path script;
    private static volatile String coreType;

    private Numpy() {}

    /** OPENBLAS_CORETYPE for numpy's runs (e.g. "Haswell"), or null for OpenBLAS's own choice (the default). */
    public static void coreType(String name) {
        if (name != null && !name.matches("[A-Za-z0-9_]+"))
            throw new IllegalArgumentException("--openblas-coretype: '" + name + "' is not an OpenBLAS core name (e.g. Haswell, SkylakeX, Zen)");
        coreType = name;
    }

    /** The OPENBLAS_CORETYPE numpy runs with, or "OpenBLAS's own choice". */
    public static String coreTypeLabel() { return coreType == null ? "OpenBLAS's own choice" : "OPENBLAS_CORETYPE=" + coreType; }

    /** True when python3 with numpy runs here. */
    public static boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                available = false;
            }
        }
        return available;
    }

    /** Best seconds per call of the requested op (a JSON object body without braces), or empty. */
    public static OptionalDouble seconds(String request, int threads, Timing timing) {
        if (!available()) return OptionalDouble.empty();
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of("python3", script().toString(), "{" + request + ", " + timing.json() + "}"));
            pb.environment().remove("OPENBLAS_CORETYPE");
            if (coreType != null) pb.environment().put("OPENBLAS_CORETYPE", coreType);
            pb.environment().remove("OPENBLAS_L2_SIZE");
            pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
            pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                System.err.println("numpy benchmark failed: " + out.strip());
                return OptionalDouble.empty();
            }
            Matcher m = SECONDS.matcher(out);
            return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
        } catch (IOException e) {
            System.err.println("numpy benchmark could not run: " + e.getMessage());
            return OptionalDouble.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalDouble.empty();
        }
    }

    private static synchronized Path script() throws IOException {
        if (script == null) {
            Path f = Files.createTempFile("elixr-numpy-bench", ".py");
            f.toFile().deleteOnExit();
            try (InputStream in = Numpy.class.getResourceAsStream("numpy_bench.py")) {
                if (in == null) throw new IOException("resource numpy_bench.py is missing from the bench jar");
                Files.write(f, in.readAllBytes());
            }
            script = f;
        }
        return script;
    }
}
