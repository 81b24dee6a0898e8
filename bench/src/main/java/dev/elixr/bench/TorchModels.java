package dev.elixr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
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
 * {@code models_bench.py} with the OpenBLAS variables unset (they slow OpenBLAS down on this machine). Empty when
 * that python has no torch.
 */
public final class TorchModels {
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private TorchModels() {}

    /** model name → torch median ms; empty when torch is unavailable or fails (the reason goes to stderr). */
    public static Map<String, Double> medianMs(List<String> models, int warmup, int iters, int threads) {
        Map<String, Double> out = new HashMap<>();
        if (!Files.isExecutable(PYTHON)) return out;
        try {
            Path script = Files.createTempFile("elixr-models-bench", ".py");
            try (InputStream in = TorchModels.class.getResourceAsStream("models_bench.py")) {
                Files.write(script, in.readAllBytes());
            }
            ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), script.toString(), Integer.toString(warmup),
                    Integer.toString(iters), Integer.toString(threads), String.join(",", models));
            pb.environment().keySet().removeIf(k -> k.startsWith("OPENBLAS_"));
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            ObjectMapper json = new ObjectMapper();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    JsonNode n = json.readTree(line);
                    out.put(n.get("model").asText(), n.get("torch_ms").asDouble());
                }
            }
            if (!p.waitFor(30, TimeUnit.MINUTES)) p.destroyForcibly();
            Files.deleteIfExists(script);
        } catch (IOException | RuntimeException e) {
            System.err.println("torch comparison unavailable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
