package dev.elixr.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * The PyTorch twin of {@link TrainStepComparison}: Debian's {@code /usr/bin/python3} runs the bundled
 * {@code train_bench.py} (the same model and inputs in plain torch.nn) with its threads pinned to ours as
 * {@link TorchModels#pinThreads} does; after 5 untimed steps (torch has no JIT to wait for) it runs blocks of timed steps
 * when asked, so that they can alternate with ours.
 */
final class TorchTrainStep implements AutoCloseable {
    static final int WARMUP_STEPS = 5;

    private final PeerProcess peer;
    /** Torch's parameter count and forward GFLOP per step, as its hooks counted them. */
    final long parameters;
    final double forwardGflop;

    private TorchTrainStep(PeerProcess peer, JsonNode header) {
        this.peer = peer;
        this.parameters = header.get("parameters").asLong();
        this.forwardGflop = header.get("forward_gflop").asDouble();
    }

    /** Torch warmed up and ready for {@link #steps}, or null when that python has no torch or the script fails (the reason on stderr). */
    static TorchTrainStep start(TrainStepComparison.Options o, int threads) {
        if (!Files.isExecutable(TorchModels.PYTHON)) return null;
        PeerProcess peer = null;
        try {
            peer = PeerProcess.start(TorchModels.PYTHON.toString(), "train_bench.py", List.of(Integer.toString(o.batch()),
                    Integer.toString(o.size()), Integer.toString(o.tokens()), Integer.toString(o.vocab()),
                    Integer.toString(WARMUP_STEPS), Integer.toString(threads)), env -> TorchModels.pinThreads(env, threads));
            return new TorchTrainStep(peer, peer.next("its warm-up"));
        } catch (IOException | RuntimeException e) {
            System.err.println("torch comparison unavailable: " + e.getMessage());
            if (peer != null) peer.close();
            return null;
        }
    }

    /** n timed steps: their wall seconds (row 0) and process CPU seconds (row 1). */
    double[][] steps(int n) throws IOException {
        JsonNode r = peer.ask("{\"steps\": " + n + "}");
        double[][] out = new double[2][n];
        for (int i = 0; i < n; i++) {
            out[0][i] = r.get("wall").get(i).asDouble();
            out[1][i] = r.get("cpu").get(i).asDouble();
        }
        return out;
    }

    @Override
    public void close() { peer.close(); }
}
