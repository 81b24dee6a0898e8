package dev.elixr.tools;

import dev.elixr.bench.ServeLoadTest;
import dev.elixr.tasks.index.ElixrCEmbedder;
import dev.elixr.tasks.index.IndexManifest;
import dev.elixr.tasks.index.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code elixr bench serve}: a bounded loopback load test of elixr serve, with and without micro-batching (logic in bench). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Load-test elixr serve on loopback: closed-loop clients mixing embed, classify and search requests with some malformed ones; "
                + "throughput, p50/p99 per endpoint, errors, heap; micro-batched and one request per forward pass.")
final class ServeBenchCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "trained ELIXR-C run directory") Path run;
    @Option(names = "--index", description = "its index (adds /v1/search to the mix)") Path index;
    @Option(names = "--clients", defaultValue = "50", description = "concurrent clients (default ${DEFAULT-VALUE})") int clients;
    @Option(names = "--seconds", defaultValue = "60", description = "duration of each mode (default ${DEFAULT-VALUE})") double seconds;
    @Option(names = "--malformed", defaultValue = "0.05", description = "fraction of malformed requests (default ${DEFAULT-VALUE})") double malformed;
    @Option(names = "--warmup-seconds", defaultValue = "15", description = "untimed load first, so that neither mode pays for JIT compilation (default ${DEFAULT-VALUE})") double warmup;
    @Option(names = "--batch-window-ms", defaultValue = "5", description = "micro-batching window (default ${DEFAULT-VALUE})") int windowMs;

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || clients > 1000 || seconds <= 0 || seconds > 600) throw new IllegalArgumentException("--clients in [1, 1000], --seconds in (0, 600]");
        ElixrCEmbedder embedder = ElixrCEmbedder.load(run);
        VectorIndex vi = null;
        if (index != null) {
            IndexManifest m = IndexManifest.read(index);
            m.requireSameSpace(embedder, index);
            vi = VectorIndex.openReadOnly(index, m.dim());
        }
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        try {
            if (warmup > 0) ServeLoadTest.run(embedder, vi, new ServeLoadTest.Options(clients, warmup, malformed, Duration.ofMillis(windowMs), 32, 2), "warm-up", quiet);
            ServeLoadTest.Result batched = ServeLoadTest.run(embedder, vi, new ServeLoadTest.Options(clients, seconds, malformed, Duration.ofMillis(windowMs), 32, 1), "micro-batched", quiet);
            ServeLoadTest.Result single = ServeLoadTest.run(embedder, vi, new ServeLoadTest.Options(clients, seconds, malformed, Duration.ZERO, 1, 1), "one-at-a-time", quiet);
            for (var r : new ServeLoadTest.Result[] {batched, single}) {
                System.out.printf("%s: %d requests in %.1f s = %.1f req/s, %d errors among valid requests, max heap in use %.0f MiB%n",
                        r.mode(), r.requests(), r.seconds(), r.perSecond(), r.validErrors(), r.maxHeapBytes() / 1048576.0);
                System.out.println("  endpoint        answered  ok      400(malformed)  errors  p50 ms   p99 ms");
                for (var e : r.endpoints())
                    System.out.printf("  %-14s  %-8d  %-6d  %-14d  %-6d  %-7.1f  %.1f%n", e.name(), e.answered(), e.ok(), e.expected4xx(), e.errors(), e.p50Ms(), e.p99Ms());
            }
            System.out.printf("micro-batching speed-up: %.2fx throughput (%d clients, loopback, %d cores)%n", batched.perSecond() / single.perSecond(),
                    clients, Runtime.getRuntime().availableProcessors());
        } finally {
            if (vi != null) vi.close();
        }
        return 0;
    }
}
