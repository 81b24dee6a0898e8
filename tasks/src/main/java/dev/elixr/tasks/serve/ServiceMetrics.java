package dev.elixr.tasks.serve;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The service's counters in the Prometheus text exposition format (version 0.0.4): requests by endpoint and status,
 * request latency histograms by endpoint, requests in flight, model queue depth, model batch sizes, model load time and
 * index size. Endpoint labels come from a fixed set (unknown paths count as "other"), so label cardinality stays bounded.
 */
final class ServiceMetrics {
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

    void batch(int size) { batches.observe(size); }

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
