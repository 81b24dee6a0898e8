package dev.elixr.tools;

import dev.elixr.bench.ServeLoadTest;
import dev.elixr.tasks.index.ElixrCEmbedder;
import dev.elixr.tasks.index.IndexManifest;
import dev.elixr.tasks.index.VectorIndex;
import dev.elixr.tasks.serve.ModelStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code elixr bench serve}: a bounded loopback load test of elixr serve, with and without micro-batching (logic in bench). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Load-test elixr serve on loopback: closed-loop clients mixing embed, classify and search requests with some malformed ones; "
                + "throughput, p50/p95/p99 per endpoint, errors, heap and the model thread's batches; micro-batched and one request per forward pass.")
final class ServeBenchCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "trained ELIXR-C run directory") Path run;
    @Option(names = "--index", description = "its index (adds /v1/search to the mix)") Path index;
    @Option(names = "--clients", defaultValue = "50", description = "concurrent clients (default ${DEFAULT-VALUE})") int clients;
    @Option(names = "--seconds", defaultValue = "60", description = "duration of each mode (default ${DEFAULT-VALUE})") double seconds;
    @Option(names = "--malformed", defaultValue = "0.05", description = "fraction of malformed requests (default ${DEFAULT-VALUE})") double malformed;
    @Option(names = "--warmup-seconds", defaultValue = "30", description = "untimed load first, shared among the modes, so that none pays for JIT compilation (default ${DEFAULT-VALUE})") double warmup;
    @Option(names = "--batch-window-ms", defaultValue = "5", description = "micro-batching window: the model thread takes the calls queued while it was busy, then waits this long for more (default ${DEFAULT-VALUE}, as elixr serve)") int windowMs;
    @Option(names = "--max-batch", defaultValue = "32", description = "most calls per forward pass when micro-batching (default ${DEFAULT-VALUE})") int maxBatch;
    @Option(names = "--modes", split = ",", defaultValue = "batched,single", description = "modes to run in this order: single (one call per forward pass), batched (--batch-window-ms, --max-batch), batched-Nms (a window of N ms) (default ${DEFAULT-VALUE})") List<String> modes;
    @Option(names = "--rounds", defaultValue = "2", description = "times to run the modes, alternating (default ${DEFAULT-VALUE})") int rounds;

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || clients > 1000 || seconds <= 0 || seconds > 600) throw new IllegalArgumentException("--clients in [1, 1000], --seconds in (0, 600]");
        if (rounds < 1 || rounds > 10) throw new IllegalArgumentException("--rounds in [1, 10]");
        for (String m : modes) if (!m.matches("single|batched(-\\d{1,3}ms)?")) throw new IllegalArgumentException("--modes " + m + ": expected single, batched or batched-Nms");
        ElixrCEmbedder embedder = ElixrCEmbedder.load(run);
        VectorIndex vi = null;
        if (index != null) {
            IndexManifest m = IndexManifest.read(index);
            m.requireSameSpace(embedder, index);
            vi = VectorIndex.openReadOnly(index, m.dim());
        }
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        try {
            if (warmup > 0) // every mode's code paths (batch shapes differ) are compiled before any is timed
                for (String m : modes) ServeLoadTest.run(embedder, vi, options(m, warmup / modes.size(), 2), "warm-up", quiet);
            List<ServeLoadTest.Result> results = new ArrayList<>();
            for (int r = 0; r < rounds; r++)
                for (String m : modes) {
                    ServeLoadTest.Result res = ServeLoadTest.run(embedder, vi, options(m, seconds, 1 + r), label(m), quiet);
                    print(res);
                    results.add(res);
                }
            double s = mean(results, label("single"), ServeLoadTest.Result::perSecond), sc = mean(results, label("single"), ServeLoadTest.Result::perCpuSecond);
            for (String m : modes.stream().filter(x -> !x.equals("single")).distinct().toList()) {
                double b = mean(results, label(m), ServeLoadTest.Result::perSecond), bc = mean(results, label(m), ServeLoadTest.Result::perCpuSecond);
                if (s > 0)
                    System.out.printf("%s vs one-at-a-time: %.2fx throughput (%.1f vs %.1f req/s), %.2fx requests per CPU-second (%.1f vs %.1f); %d clients, loopback, %d cores%n",
                            label(m), b / s, b, s, bc / sc, bc, sc, clients, Runtime.getRuntime().availableProcessors());
            }
        } finally {
            if (vi != null) vi.close();
        }
        return 0;
    }

    /** single: one call per forward pass; batched: --batch-window-ms and --max-batch; batched-Nms: a window of N ms. */
    private ServeLoadTest.Options options(String mode, double secs, long seed) {
        if (mode.equals("single")) return new ServeLoadTest.Options(clients, secs, malformed, Duration.ZERO, 1, seed);
        return new ServeLoadTest.Options(clients, secs, malformed, Duration.ofMillis(window(mode)), maxBatch, seed);
    }

    private int window(String mode) {
        return mode.equals("batched") ? windowMs : Integer.parseInt(mode.substring("batched-".length(), mode.length() - 2));
    }

    private String label(String mode) {
        return mode.equals("single") ? "one-at-a-time" : "micro-batched (window " + window(mode) + " ms, at most " + maxBatch + ")";
    }

    private static double mean(List<ServeLoadTest.Result> rs, String label, java.util.function.ToDoubleFunction<ServeLoadTest.Result> f) {
        return rs.stream().filter(r -> r.mode().equals(label)).mapToDouble(f).average().orElse(0);
    }

    private static void print(ServeLoadTest.Result r) {
        System.out.printf("%s: %d requests in %.1f s = %.1f req/s (%.1f per CPU-second of the process), %d errors among valid requests, max heap in use %.0f MiB%n",
                r.mode(), r.requests(), r.seconds(), r.perSecond(), r.perCpuSecond(), r.validErrors(), r.maxHeapBytes() / 1048576.0);
        System.out.println("  endpoint        answered  req/s   ok      400(malformed)  errors  p50 ms   p95 ms   p99 ms");
        for (var e : r.endpoints())
            System.out.printf("  %-14s  %-8d  %-6.1f  %-6d  %-14d  %-6d  %-7.1f  %-7.1f  %.1f%n", e.name(), e.answered(), e.perSecond(), e.ok(),
                    e.expected4xx(), e.errors(), e.p50Ms(), e.p95Ms(), e.p99Ms());
        ModelStats m = r.model();
        System.out.printf("  model thread: %d batches (mean %.1f calls), in forward passes %.0f%% of the time, collecting %.0f%%; images %d in %.2f s (%.2f ms each, %.2f ms of its CPU), texts %d in %.2f s (%.2f ms each, %.2f ms of its CPU)%n",
                m.batches(), m.meanBatch(), 100 * (m.imageSeconds() + m.textSeconds()) / r.seconds(), 100 * m.collectSeconds() / r.seconds(),
                m.images(), m.imageSeconds(), 1e3 * m.imageSeconds() / Math.max(1, m.images()), 1e3 * m.imageCpuSeconds() / Math.max(1, m.images()),
                m.texts(), m.textSeconds(), 1e3 * m.textSeconds() / Math.max(1, m.texts()), 1e3 * m.textCpuSeconds() / Math.max(1, m.texts()));
    }
}
