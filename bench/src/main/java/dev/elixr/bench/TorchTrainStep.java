package dev.elixr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch twin of {@link TrainStepComparison}: Debian's {@code /usr/bin/python3} runs the bundled
 * {@code train_bench.py} (the same model and inputs in plain torch.nn) with its threads pinned to ours as
 * {@link TorchModels#pinThreads} does, after 5 untimed steps (torch has no JIT to wait for).
 */
public final class TorchTrainStep {
    static final int WARMUP_STEPS = 5;

    private TorchTrainStep() {}

    /** Torch's figures, or null when that python has no torch or the script fails (the reason goes to stderr). */
    public static TrainStepComparison.Side run(TrainStepComparison.Options o, int threads) {
        if (!Files.isExecutable(TorchModels.PYTHON)) return null;
        try {
            Path script = Files.createTempFile("elixr-train-bench", ".py");
            try (InputStream in = TorchTrainStep.class.getResourceAsStream("train_bench.py")) {
                Files.write(script, in.readAllBytes());
            }
            ProcessBuilder pb = new ProcessBuilder(TorchModels.PYTHON.toString(), script.toString(), Integer.toString(o.batch()),
                    Integer.toString(o.size()), Integer.toString(o.tokens()), Integer.toString(o.vocab()),
                    Integer.toString(WARMUP_STEPS), Integer.toString(o.steps()), Integer.toString(threads));
            TorchModels.pinThreads(pb, threads);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.MINUTES)) p.destroyForcibly();
            Files.deleteIfExists(script);
            if (p.exitValue() != 0 || out.isEmpty()) {
                System.err.println("torch comparison unavailable: train_bench.py exited with " + p.exitValue());
                return null;
            }
            JsonNode n = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
            return new TrainStepComparison.Side(n.get("seconds_per_step").asDouble(), n.get("cpu_seconds_per_step").asDouble(),
                    n.get("parameters").asLong(), n.get("forward_gflop").asDouble());
        } catch (IOException | RuntimeException e) {
            System.err.println("torch comparison unavailable: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
