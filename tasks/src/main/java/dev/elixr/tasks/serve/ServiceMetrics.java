package dev.elixr.tasks.serve;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The service's counters in the Prometheus text exposition format (version 0.0.4): requests by endpoint and status,
 * request latency histograms by endpoint, requests in flight, model queue depth, model batch sizes, the model thread's
 * time in forward passes (by kind) and in collecting batches, model load time and index size. Endpoint labels come from a fixed set (unknown paths count as "other"), so label cardinality stays bounded.
 */
final class ServiceMetrics implements MicroBatcher.Observer {
    static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64};

    /** A cumulative histogram with fixed upper bounds. */
    static final class Histogram {
        final double[] bounds;
        final LongAdder[] counts;
        final LongAdder count = new LongAdder();
        final AtomicLong sumNanosOrUnits = new AtomicLong();
        final double unit;

        Histogram(double[] bounds, double unit) {
            this.bounds = bounds;
            this.unit = unit;
            counts = new LongAdder[bounds.length];
            for (int i = 0; i < bounds.length; i++) counts[i] = new LongAdder();
        }

        void observe(long raw) {
            double v = raw * unit;
            for (int i = 0; i < bounds.length; i++) if (v <= bounds[i]) counts[i].increment();
            count.increment();
            sumNanosOrUnits.addAndGet(raw);
        }

        void write(StringBuilder out, String name, String labels) {
            String sep = labels.isEmpty() ? "" : labels + ",";
            for (int i = 0; i < bounds.length; i++)
                out.append(name).append("_bucket{").append(sep).append("le=\"").append(num(bounds[i])).append("\"} ").append(counts[i].sum()).append('\n');
            out.append(name).append("_bucket{").append(sep).append("le=\"+Inf\"} ").append(count.sum()).append('\n');
            String l = labels.isEmpty() ? "" : "{" + labels + "}";
            out.append(name).append("_sum").append(l).append(' ').append(num(sumNanosOrUnits.get() * unit)).append('\n');
            out.append(name).append("_count").append(l).append(' ').append(count.sum()).append('\n');
        }
    }

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Histogram batches = new Histogram(BATCH_BUCKETS, 1);
    private final AtomicLong inFlight = new AtomicLong();
    private final LongAdder collectNanos = new LongAdder();
    private final Map<String, LongAdder[]> forwards = new ConcurrentHashMap<>();
    private final double modelLoadSeconds;
    private final IntSupplier queueDepth, indexEntries;

    ServiceMetrics(double modelLoadSeconds, IntSupplier queueDepth, IntSupplier indexEntries) {
        this.modelLoadSeconds = modelLoadSeconds;
        this.queueDepth = queueDepth;
        this.indexEntries = indexEntries;
    }

    void started() { inFlight.incrementAndGet(); }

    void finished(String endpoint, int status, long nanos) {
        inFlight.decrementAndGet();
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
        latency.computeIfAbsent(endpoint, k -> new Histogram(LATENCY_BUCKETS, 1e-9)).observe(nanos);
    }

    @Override
    public void batch(int calls, long nanos) {
        batches.observe(calls);
        collectNanos.add(nanos);
    }

    /** Per kind: forward passes, items, nanoseconds, the model thread's CPU nanoseconds. */
    @Override
    public void forward(String kind, int items, long nanos, long cpuNanos) {
        LongAdder[] f = forwards.computeIfAbsent(kind, k -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()});
        f[0].increment();
        f[1].add(items);
        f[2].add(nanos);
        f[3].add(cpuNanos);
    }

    /** The model thread's work so far. */
    ModelStats model() {
        LongAdder[] none = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
        LongAdder[] img = forwards.getOrDefault("image", none), txt = forwards.getOrDefault("text", none);
        return new ModelStats(batches.count.sum(), batches.sumNanosOrUnits.get(), collectNanos.sum() * 1e-9,
                img[0].sum(), img[1].sum(), img[2].sum() * 1e-9, img[3].sum() * 1e-9,
                txt[0].sum(), txt[1].sum(), txt[2].sum() * 1e-9, txt[3].sum() * 1e-9);
    }

    /** Requests answered so far with this endpoint and status (for tests and the load test). */
    long count(String endpoint, int status) {
        LongAdder a = requests.get(endpoint + "\u0000" + status);
        return a == null ? 0 : a.sum();
    }

    String text() {
        StringBuilder out = new StringBuilder(4096);
        out.append("# HELP elixr_http_requests_total HTTP requests answered, by endpoint and status.\n");
        out.append("# TYPE elixr_http_requests_total counter\n");
        requests.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String[] k = e.getKey().split("\u0000");
            out.append("elixr_http_requests_total{endpoint=\"").append(k[0]).append("\",status=\"").append(k[1]).append("\"} ")
                    .append(e.getValue().sum()).append('\n');
        });
        out.append("# HELP elixr_http_request_duration_seconds Time from the request's arrival at a handler to its answer.\n");
        out.append("# TYPE elixr_http_request_duration_seconds histogram\n");
        latency.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> e.getValue().write(out, "elixr_http_request_duration_seconds", "endpoint=\"" + e.getKey() + "\""));
        gauge(out, "elixr_http_requests_in_flight", "Requests being handled now.", inFlight.get());
        gauge(out, "elixr_model_queue_depth", "Model calls waiting for the model thread.", queueDepth.getAsInt());
        out.append("# HELP elixr_model_batch_size Model calls that shared one forward pass.\n# TYPE elixr_model_batch_size histogram\n");
        batches.write(out, "elixr_model_batch_size", "");
        out.append("# HELP elixr_model_forward_seconds_total Time the model thread spent in forward passes, by kind.\n# TYPE elixr_model_forward_seconds_total counter\n");
        out.append("# HELP elixr_model_forward_cpu_seconds_total CPU time of the model thread itself in forward passes, by kind.\n# TYPE elixr_model_forward_cpu_seconds_total counter\n");
        out.append("# HELP elixr_model_items_total Images or texts embedded, by kind.\n# TYPE elixr_model_items_total counter\n");
        forwards.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            out.append("elixr_model_forward_seconds_total{kind=\"").append(e.getKey()).append("\"} ").append(num(e.getValue()[2].sum() * 1e-9)).append('\n');
            out.append("elixr_model_forward_cpu_seconds_total{kind=\"").append(e.getKey()).append("\"} ").append(num(e.getValue()[3].sum() * 1e-9)).append('\n');
            out.append("elixr_model_items_total{kind=\"").append(e.getKey()).append("\"} ").append(e.getValue()[1].sum()).append('\n');
        });
        out.append("# HELP elixr_model_collect_seconds_total Time the model thread spent collecting calls into batches.\n# TYPE elixr_model_collect_seconds_total counter\n");
        out.append("elixr_model_collect_seconds_total ").append(num(collectNanos.sum() * 1e-9)).append('\n');
        gauge(out, "elixr_model_load_seconds", "Seconds spent loading the model (and index) at start.", modelLoadSeconds);
        gauge(out, "elixr_index_entries", "Images in the loaded index (0 without one).", indexEntries.getAsInt());
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, double v) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ').append(num(v)).append('\n');
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.9g", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
