package dev.elixr.tools;

import dev.elixr.tasks.index.ElixrCEmbedder;
import dev.elixr.tasks.index.IndexManifest;
import dev.elixr.tasks.index.VectorIndex;
import dev.elixr.tasks.language.ElixrB2Run;
import dev.elixr.tasks.serve.ElixrServer;
import dev.elixr.tasks.serve.ServeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code elixr serve}: a trained run (and optionally its index) behind HTTP (logic in tasks.serve). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a trained run over HTTP/JSON: POST /v1/embed, /v1/classify, /v1/search, and with --language-run "
                + "/v1/ask, /v1/describe, /v1/check-report; GET /health, /metrics (Prometheus) and a web page at /. Binds to 127.0.0.1 "
                + "unless --bind says otherwise; Ctrl-C finishes the requests in flight, then stops."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "trained ELIXR-C run directory") Path run;
    @Option(names = "--index", description = "index built from this run (elixr index build); enables /v1/search") Path index;
    @Option(names = "--language-run", description = "an ELIXR-B stage-2 run (elixr train elixr-b --stage 2); enables /v1/ask, /v1/describe, /v1/check-report") Path languageRun;
    @Option(names = "--port", defaultValue = "8080", description = "TCP port, 0 for any free one (default ${DEFAULT-VALUE})") int port;
    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE}, loopback only)") String bind;
    @Option(names = "--token-file", description = "file holding a bearer token required on every endpoint but /health and /") Path tokenFile;
    @Option(names = "--max-body-mb", defaultValue = "16", description = "largest request body in MiB (default ${DEFAULT-VALUE})") int maxBodyMb;
    @Option(names = "--max-image-side", defaultValue = "4096", description = "largest image width or height, checked from the header before decoding (default ${DEFAULT-VALUE})") int maxSide;
    @Option(names = "--queue", defaultValue = "64", description = "model calls that may wait; beyond, 429 (default ${DEFAULT-VALUE})") int queue;
    @Option(names = "--batch-window-ms", defaultValue = "5", description = "how long the model waits for more requests to batch (default ${DEFAULT-VALUE})") int windowMs;
    @Option(names = "--max-batch", defaultValue = "32", description = "most requests per forward pass (default ${DEFAULT-VALUE})") int maxBatch;
    @Option(names = "--index-refresh-seconds", defaultValue = "2", description = "how often to look for images added to the index since (elixr index add), 0: never (default ${DEFAULT-VALUE})") double refreshSeconds;

    @Override
    public Integer call() throws Exception {
        InetAddress address = InetAddress.getByName(bind);
        String token = tokenFile == null ? null : readToken(tokenFile);
        if (!address.isLoopbackAddress() && token == null)
            System.err.println("elixr serve: warning: listening on " + bind + " without --token-file: anyone who reaches this port can use the model");
        long t0 = System.nanoTime();
        ElixrCEmbedder embedder = ElixrCEmbedder.load(run);
        VectorIndex vi = null;
        if (index != null) {
            IndexManifest m = IndexManifest.read(index);
            m.requireSameSpace(embedder, index);
            vi = VectorIndex.openReadOnly(index, m.dim());
        }
        ElixrB2Run stage2 = languageRun == null ? null : ElixrB2Run.load(languageRun, System.err);
        double loadSeconds = (System.nanoTime() - t0) * 1e-9;
        ServeConfig cfg = ServeConfig.defaults(port).withBind(address).withToken(token)
                .withLimits(Math.multiplyExact(maxBodyMb, 1 << 20), maxSide, (long) maxSide * maxSide)
                .withBatching(queue, Duration.ofMillis(windowMs), maxBatch)
                .withIndexRefresh(Duration.ofMillis(Math.round(refreshSeconds * 1000)));
        ElixrServer server = ElixrServer.start(embedder, vi, stage2, cfg, loadSeconds, System.err);
        CountDownLatch stopped = new CountDownLatch(1);
        VectorIndex closeMe = vi;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("elixr serve: stopping (finishing requests in flight)");
            try {
                server.shutdown(10);
                if (closeMe != null) closeMe.close();
            } catch (Exception e) {
                System.err.println("elixr serve: " + e);
            }
            stopped.countDown();
        }));
        System.err.printf("elixr serve: model loaded in %.1f s%s%s%n", loadSeconds, vi == null ? ", no index" : ", index of " + vi.size() + " images",
                stage2 == null ? "" : ", ELIXR-B stage 2 from " + languageRun);
        System.out.println("serving on http://" + server.address().getAddress().getHostAddress() + ":" + server.port() + "/"
                + (token == null ? "" : " (bearer token required)"));
        stopped.await();
        return 0;
    }

    static String readToken(Path f) throws Exception {
        String t = Files.readString(f).trim();
        if (t.isEmpty() || t.contains("\n")) throw new IllegalArgumentException("--token-file " + f + ": expected one non-empty line");
        try {
            var perms = Files.getPosixFilePermissions(f);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ))
                System.err.println("elixr serve: warning: " + f + " is readable by other users (chmod 600 it)");
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        return t;
    }
}
