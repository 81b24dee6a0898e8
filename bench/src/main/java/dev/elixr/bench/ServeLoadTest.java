package dev.elixr.bench;

import dev.elixr.tasks.index.Embedder;
import dev.elixr.tasks.index.VectorIndex;
import dev.elixr.tasks.serve.ElixrServer;
import dev.elixr.tasks.serve.ModelStats;
import dev.elixr.tasks.serve.ServeConfig;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code elixr bench serve}: a load test of {@link ElixrServer} on loopback, bounded in clients and time: closed-loop
 * clients (each sends its next request when the last one is answered) mixing text embeddings, image classifications
 * (64x64 PNG bodies) and index searches, with a fraction of malformed JSON requests that must get 400. Reports
 * throughput, p50/p95/p99 latency per endpoint, errors among valid requests, the largest heap in use, and what the
 * server's model thread did (batches, time in forward passes), once with micro-batching and once one request per
 * forward pass.
 */
public final class ServeLoadTest {
    private ServeLoadTest() {}

    public record Options(int clients, double seconds, double malformed, Duration window, int maxBatch, long seed) {}

    public record Endpoint(String name, long answered, long ok, long expected4xx, long errors, double perSecond, double p50Ms, double p95Ms, double p99Ms) {}

    /** model: what the server's model thread did during the timed load (batches, forward passes and their time). */
    /**
     * cpuSeconds: CPU time of the whole process (server and clients) during the timed load; on a shared machine
     * requests per CPU-second compares modes more fairly than requests per second.
     */
    public record Result(String mode, double seconds, long requests, double perSecond, List<Endpoint> endpoints, long validErrors,
                         long maxHeapBytes, ModelStats model, double cpuSeconds) {
        public double perCpuSecond() { return requests / cpuSeconds; }
    }

    public static Result run(Embedder embedder, VectorIndex index, Options o, String mode, PrintStream log) throws Exception {
        ServeConfig cfg = ServeConfig.defaults(0).withBatching(Math.max(64, 2 * o.clients()), o.window(), o.maxBatch());
        byte[][] images = new byte[8][];
        for (int i = 0; i < images.length; i++) images[i] = png(64, 64, o.seed() + i);
        String[] texts = {"large right pleural effusion", "cardiomegaly", "no acute cardiopulmonary process", "left lower lobe consolidation",
                "pulmonary edema", "small left pneumothorax", "support devices in place", "mild atelectasis"};
        Map<String, List<Double>> latency = new ConcurrentHashMap<>();
        Map<String, AtomicLong[]> counts = new ConcurrentHashMap<>();
        AtomicLong heap = new AtomicLong();
        try (ElixrServer server = ElixrServer.start(embedder, index, cfg, 0, log)) {
            String base = "http://127.0.0.1:" + server.port();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            long end = System.nanoTime() + (long) (o.seconds() * 1e9);
            Thread sampler = Thread.ofVirtual().start(() -> {
                var mem = ManagementFactory.getMemoryMXBean();
                while (System.nanoTime() < end) {
                    heap.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                    try { Thread.sleep(100); } catch (InterruptedException e) { return; }
                }
            });
            List<Thread> clients = new ArrayList<>();
            ModelStats before = server.modelStats();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            for (int c = 0; c < o.clients(); c++) {
                SplittableRandom r = new SplittableRandom(o.seed() * 1_000_003 + c);
                clients.add(Thread.ofVirtual().start(() -> {
                    while (System.nanoTime() < end) {
                        double u = r.nextDouble();
                        String name;
                        HttpRequest.Builder b;
                        boolean bad = u < o.malformed();
                        if (bad) {
                            name = "malformed";
                            b = HttpRequest.newBuilder(URI.create(base + "/v1/embed")).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": [unclosed"));
                        } else if (u < 0.45 || index == null && u < 0.7) {
                            name = "/v1/embed";
                            b = HttpRequest.newBuilder(URI.create(base + name)).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"" + texts[r.nextInt(texts.length)] + "\"}"));
                        } else if (u < 0.7 || index == null) {
                            name = "/v1/classify";
                            b = HttpRequest.newBuilder(URI.create(base + name)).header("Content-Type", "image/png")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(images[r.nextInt(images.length)]));
                        } else {
                            name = "/v1/search";
                            b = HttpRequest.newBuilder(URI.create(base + name)).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"" + texts[r.nextInt(texts.length)] + "\", \"k\": 5, \"thumbnails\": false}"));
                        }
                        long s = System.nanoTime();
                        int status;
                        try {
                            status = client.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                        } catch (Exception e) {
                            status = -1;
                        }
                        double ms = (System.nanoTime() - s) * 1e-6;
                        latency.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(ms);
                        AtomicLong[] n = counts.computeIfAbsent(name, k -> new AtomicLong[] {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()});
                        n[0].incrementAndGet();
                        if (bad ? status == 400 : status == 200) n[bad ? 2 : 1].incrementAndGet();
                        else n[3].incrementAndGet();
                    }
                }));
            }
            for (Thread t : clients) t.join();
            double elapsed = (System.nanoTime() - t0) * 1e-9;
            ModelStats model = server.modelStats().minus(before);
            double cpu = (os.getProcessCpuTime() - cpu0) * 1e-9;
            sampler.join();
            List<Endpoint> per = new ArrayList<>();
            long total = 0, validErrors = 0;
            for (var e : new TreeMap<>(counts).entrySet()) {
                double[] ms = latency.get(e.getKey()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                AtomicLong[] n = e.getValue();
                per.add(new Endpoint(e.getKey(), n[0].get(), n[1].get(), n[2].get(), n[3].get(), n[0].get() / elapsed,
                        pct(ms, 50), pct(ms, 95), pct(ms, 99)));
                total += n[0].get();
                if (!e.getKey().equals("malformed")) validErrors += n[3].get();
            }
            return new Result(mode, elapsed, total, total / elapsed, per, validErrors, heap.get(), model, cpu);
        }
    }

    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p / 100 * sorted.length) - 1))];
    }

    static byte[] png(int w, int h, long seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        SplittableRandom r = new SplittableRandom(seed);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, (x + y + r.nextInt(64)) & 255);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
