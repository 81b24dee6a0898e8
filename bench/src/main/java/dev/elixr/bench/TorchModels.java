package dev.elixr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch's median forward times for the same models, from Debian's {@code /usr/bin/python3} running the bundled
 * {@code models_bench.py} with the OpenBLAS tuning variables unset (they slow OpenBLAS down on this machine) and its
 * threads pinned to ours ({@link #pinThreads}). Empty when that python has no torch.
 */
public final class TorchModels {
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private TorchModels() {}

    /** Torch's medians (model name → ms) and the thread count torch itself reported ({@code torch.get_num_threads()}). */
    public record Result(Map<String, Double> medianMs, int threads) {}

    /**
     * Runs torch on {@code threads} threads as {@link TorchTrainStep} does: every {@code OPENBLAS_*} variable removed,
     * then {@code OMP_NUM_THREADS} and {@code OPENBLAS_NUM_THREADS} set to {@code threads} (torch.set_num_threads,
     * which the scripts call too, alone leaves OpenBLAS's own pthreads and OpenMP's default pool running).
     */
    static void pinThreads(Map<String, String> env, int threads) {
        env.keySet().removeIf(k -> k.startsWith("OPENBLAS_"));
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
    }

    /** Torch's medians on {@code threads} pinned threads; empty (threads 0) when torch is unavailable or fails (the reason goes to stderr). */
    public static Result medianMs(List<String> models, int warmup, int iters, int threads) {
        Map<String, Double> out = new HashMap<>();
        int torchThreads = 0;
        if (!Files.isExecutable(PYTHON)) return new Result(out, 0);
        try (BundledScript script = BundledScript.copy("models_bench.py")) {
            ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), script.file().toString(), Integer.toString(warmup),
                    Integer.toString(iters), Integer.toString(threads), String.join(",", models));
            pinThreads(pb.environment(), threads);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            ObjectMapper json = new ObjectMapper();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    JsonNode n = json.readTree(line);
                    out.put(n.get("model").asText(), n.get("torch_ms").asDouble());
                    torchThreads = n.get("threads").asInt();
                }
            }
            if (!p.waitFor(30, TimeUnit.MINUTES)) p.destroyForcibly();
        } catch (IOException | RuntimeException e) {
            System.err.println("torch comparison unavailable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Result(out, torchThreads);
    }
}
