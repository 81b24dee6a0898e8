package dev.elixr.bench;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs numpy_bench.py (a resource of this module) with the first {@code python3} on PATH beside our kernels, its rounds
 * alternated with ours ({@link #sideBySide}), the thread
 * count in OPENBLAS_NUM_THREADS/OMP_NUM_THREADS, and OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed
 * (set to Haswell values on this machine, they halve OpenBLAS) unless {@link #coreType(String)} names one: to compare
 * against OpenBLAS's AVX2 (Haswell) kernels while our JVM runs with -XX:UseAVX=2 on an AVX-512 machine. Without
 * python3 + numpy numpy's figures are NaN and the tables say n/a.
 */
public final class Numpy {
    private static volatile Boolean available;
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

    private static void environment(Map<String, String> env, int threads) {
        env.remove("OPENBLAS_CORETYPE");
        if (coreType != null) env.put("OPENBLAS_CORETYPE", coreType);
        env.remove("OPENBLAS_L2_SIZE");
        env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
    }

    /**
     * Ours and numpy's best seconds per call of the same operation (request: a JSON object body without braces),
     * their rounds alternated ({@link Timing#sideBySide}) with numpy's OpenBLAS on the given threads; numpy's NaN when
     * python3 with numpy is not here or fails (the reason on stderr). Call it with our kernels set to those threads.
     */
    public static Timing.Pair sideBySide(Runnable ours, String request, int threads, Timing timing) {
        if (!available()) return new Timing.Pair(timing.bestSeconds(ours), Double.NaN);
        try (PeerProcess numpy = PeerProcess.start("python3", "numpy_bench.py", List.of(), env -> environment(env, threads))) {
            numpy.ask("{" + request + ", \"warmup\": " + timing.warmupSeconds() + "}");
            return timing.sideBySide(ours, seconds -> numpy.ask(String.format(Locale.ROOT, "{\"round\": %s, \"clock\": \"%s\"}",
                    seconds, timing.clockJson())).get("seconds").asDouble());
        } catch (IOException e) {
            System.err.println("numpy benchmark could not run: " + e.getMessage());
            return new Timing.Pair(timing.bestSeconds(ours), Double.NaN);
        }
    }
}
