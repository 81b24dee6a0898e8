package dev.elixr.tasks.serve;

import java.net.InetAddress;
import java.time.Duration;

/**
 * How {@link ElixrServer} listens and what it accepts.
 *
 * @param bind           address to listen on (loopback unless told otherwise)
 * @param port           TCP port, 0 for any free one
 * @param token          bearer token required on every endpoint but /health and the page (null: none)
 * @param maxBodyBytes   largest request body accepted (413 beyond)
 * @param maxImageSide   largest image width or height accepted, read from the header before decoding (413 beyond)
 * @param maxImagePixels largest width x height accepted, read from the header before decoding (413 beyond)
 * @param queueCapacity  model calls waiting at most (429 with Retry-After beyond)
 * @param batchWindow    how long the model worker waits for more requests to share a forward pass
 * @param maxBatch       most requests in one forward pass
 * @param modelTimeout   how long a request waits for its model call (503 with Retry-After beyond)
 * @param maxK           most search results per request
 * @param indexRefresh   how often the index is checked for commits made since it was opened, e.g. by
 *                       {@code elixr index add} (zero: never)
 */
public record ServeConfig(InetAddress bind, int port, String token, int maxBodyBytes, int maxImageSide, long maxImagePixels,
                          int queueCapacity, Duration batchWindow, int maxBatch, Duration modelTimeout, int maxK, Duration indexRefresh) {
    public ServeConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        if (token != null && token.isBlank()) throw new IllegalArgumentException("the bearer token is empty");
        if (maxBodyBytes < 1024) throw new IllegalArgumentException("body limit must be >= 1024 bytes, got " + maxBodyBytes);
        if (queueCapacity < 1 || maxBatch < 1) throw new IllegalArgumentException("queue capacity and batch size must be >= 1");
        if (indexRefresh.isNegative()) throw new IllegalArgumentException("the index refresh period must be >= 0, got " + indexRefresh);
    }

    /**
     * Loopback, the given port, no token, 16 MiB bodies, images up to 4096 x 4096, 64 queued calls, 5 ms / 32 per batch,
     * 30 s model timeout, 100 results, the index checked for new commits every 2 s.
     */
    public static ServeConfig defaults(int port) {
        return new ServeConfig(InetAddress.getLoopbackAddress(), port, null, 16 << 20, 4096, 4096L * 4096, 64,
                Duration.ofMillis(5), 32, Duration.ofSeconds(30), 100, Duration.ofSeconds(2));
    }

    public ServeConfig withBind(InetAddress a) { return new ServeConfig(a, port, token, maxBodyBytes, maxImageSide, maxImagePixels, queueCapacity, batchWindow, maxBatch, modelTimeout, maxK, indexRefresh); }

    public ServeConfig withToken(String t) { return new ServeConfig(bind, port, t, maxBodyBytes, maxImageSide, maxImagePixels, queueCapacity, batchWindow, maxBatch, modelTimeout, maxK, indexRefresh); }

    public ServeConfig withLimits(int body, int side, long pixels) { return new ServeConfig(bind, port, token, body, side, pixels, queueCapacity, batchWindow, maxBatch, modelTimeout, maxK, indexRefresh); }

    public ServeConfig withBatching(int queue, Duration window, int batch) { return new ServeConfig(bind, port, token, maxBodyBytes, maxImageSide, maxImagePixels, queue, window, batch, modelTimeout, maxK, indexRefresh); }

    public ServeConfig withModelTimeout(Duration t) { return new ServeConfig(bind, port, token, maxBodyBytes, maxImageSide, maxImagePixels, queueCapacity, batchWindow, maxBatch, t, maxK, indexRefresh); }

    public ServeConfig withIndexRefresh(Duration d) { return new ServeConfig(bind, port, token, maxBodyBytes, maxImageSide, maxImagePixels, queueCapacity, batchWindow, maxBatch, modelTimeout, maxK, d); }
}
