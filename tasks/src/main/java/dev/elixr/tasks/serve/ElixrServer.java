package dev.elixr.tasks.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.elixr.tasks.data.CxrImageFile;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.index.Embedder;
import dev.elixr.tasks.index.SearchHit;
import dev.elixr.tasks.index.VectorIndex;
import dev.elixr.tasks.language.Assistant;
import dev.elixr.tasks.language.ElixrB2Run;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code elixr serve}: the model (and optionally an index) behind HTTP/1.1 on the JDK's own server
 * ({@code com.sun.net.httpserver}, one virtual thread per exchange; no dependency). JSON in and out; images as
 * PNG/JPEG bodies or base64 fields. Every endpoint but {@code GET /health} and the page at {@code /} requires the
 * bearer token when one is configured. Client mistakes are 4xx with a JSON error ({@code {"error": {"code",
 * "message"}}}); nothing sent back ever holds a stack trace or a file path. Model calls go through a
 * {@link MicroBatcher}. The index is checked for new commits (e.g. from {@code elixr index add}) every
 * {@link ServeConfig#indexRefresh}, so added images become searchable without a restart. {@link #close} stops
 * accepting, lets in-flight requests finish, then stops the model thread.
 */
public final class ElixrServer implements AutoCloseable {
    static {
        // The JDK server's own limits (seconds), read once when it first starts: the time to receive a request (headers
        // and body: a slow-loris client is cut off) and to send the answer.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) System.setProperty("sun.net.httpserver.maxReqTime", "30");
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) System.setProperty("sun.net.httpserver.maxRspTime", "60");
    }

    /** HNSW candidates re-ranked exactly per search: recall@10 0.9845 on 100k vectors of the demo model's spectrum with text queries (docs/results.md). */
    static final int SEARCH_CANDIDATES = 200;
    static final Set<String> ENDPOINTS = Set.of("/", "/health", "/metrics", "/v1/embed", "/v1/classify", "/v1/search",
            "/v1/ask", "/v1/describe", "/v1/check-report");
    /** The longest generated answer a request may ask for, in tokens. */
    static final int MAX_NEW_TOKENS = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Embedder embedder;
    private final VectorIndex index;
    private final LanguageService language;
    private final ServeConfig config;
    private final HttpServer http;
    private final ExecutorService executor;
    private final MicroBatcher batcher;
    private final ServiceMetrics metrics;
    private final PrintStream log;
    private final byte[] token;
    private final ScheduledExecutorService refresher;
    private volatile boolean draining;

    private ElixrServer(Embedder embedder, VectorIndex index, ElixrB2Run stage2, ServeConfig config, double loadSeconds, PrintStream log) throws IOException {
        this.embedder = embedder;
        this.index = index;
        this.language = stage2 == null ? null : new LanguageService(stage2, config.queueCapacity());
        this.config = config;
        this.log = log;
        this.token = config.token() == null ? null : config.token().getBytes(StandardCharsets.UTF_8);
        MicroBatcher[] b = new MicroBatcher[1];
        this.metrics = new ServiceMetrics(loadSeconds, () -> b[0] == null ? 0 : b[0].depth(), this::indexSize);
        this.batcher = b[0] = new MicroBatcher(embedder, config.queueCapacity(), config.batchWindow().toNanos(), config.maxBatch(), metrics);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.http = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 256);
        http.createContext("/", this::handle);
        http.setExecutor(executor);
        long every = config.indexRefresh().toMillis();
        if (index == null || every == 0) {
            refresher = null;
        } else {
            refresher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("elixr-index-refresh").daemon(true).unstarted(r));
            refresher.scheduleWithFixedDelay(this::refreshIndex, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Opens the index's new commits, if any (searches in flight finish on the reader they started with). */
    private void refreshIndex() {
        try {
            if (index.refresh()) log.println("elixr serve: index refreshed, " + index.size() + " images searchable");
        } catch (IOException | RuntimeException e) {
            log.println("elixr serve: index refresh failed (still searching the last good view): " + e.getMessage());
        }
    }

    private int indexSize() {
        try {
            return index == null ? 0 : index.size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Starts serving; {@code index} may be null (then /v1/search answers 404); without a stage-2 run. */
    public static ElixrServer start(Embedder embedder, VectorIndex index, ServeConfig config, double modelLoadSeconds, PrintStream log) throws IOException {
        return start(embedder, index, null, config, modelLoadSeconds, log);
    }

    /**
     * Starts serving; {@code index} may be null (then /v1/search answers 404), and so may {@code stage2}, an ELIXR-B
     * stage-2 run (then /v1/ask, /v1/describe and /v1/check-report answer 404).
     */
    public static ElixrServer start(Embedder embedder, VectorIndex index, ElixrB2Run stage2, ServeConfig config, double modelLoadSeconds,
                                    PrintStream log) throws IOException {
        if (index != null && index.dim() != embedder.dim())
            throw new IllegalArgumentException("the index holds " + index.dim() + "-wide vectors, the model embeds " + embedder.dim());
        ElixrServer s = new ElixrServer(embedder, index, stage2, config, modelLoadSeconds, log);
        s.http.start();
        return s;
    }

    public int port() { return http.getAddress().getPort(); }

    public InetSocketAddress address() { return http.getAddress(); }

    /** Graceful shutdown: new requests get 503, in-flight ones finish (up to {@code graceSeconds}), then the model thread ends. */
    public void shutdown(int graceSeconds) throws InterruptedException {
        draining = true;
        if (refresher != null) refresher.shutdown(); // a refresh under way finishes (an interrupt could close Lucene's files)
        http.stop(graceSeconds);
        batcher.close();
        if (language != null) language.close();
        executor.shutdown();
        executor.awaitTermination(graceSeconds, TimeUnit.SECONDS);
        if (refresher != null) refresher.awaitTermination(graceSeconds, TimeUnit.SECONDS);
    }

    @Override public void close() throws InterruptedException { shutdown(10); }

    /** The model thread's batches and forward passes so far. */
    public ModelStats modelStats() { return metrics.model(); }

    /** Requests answered with this endpoint and status so far. */
    public long answered(String endpoint, int status) { return metrics.count(endpoint, status); }

    // ---- dispatch ----

    private void handle(HttpExchange ex) {
        long t0 = System.nanoTime();
        String path = ex.getRequestURI().getPath();
        String endpoint = ENDPOINTS.contains(path) ? path : "other";
        metrics.started();
        int status = 500;
        try {
            status = route(ex, path);
        } catch (HttpError e) {
            status = sendError(ex, e);
        } catch (Throwable t) {
            log.println("elixr serve: internal error on " + endpoint + ": " + t);
            status = sendError(ex, new HttpError(500, "internal", "internal error"));
        } finally {
            metrics.finished(endpoint, status, System.nanoTime() - t0);
            ex.close();
        }
    }

    private int route(HttpExchange ex, String path) throws IOException {
        if (draining && !path.equals("/health")) throw unavailable("the server is shutting down");
        return switch (path) {
            case "/health" -> { method(ex, "GET"); yield health(ex); }
            case "/" -> { method(ex, "GET"); yield page(ex); }
            case "/metrics" -> { method(ex, "GET"); authorise(ex); yield send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.text().getBytes(StandardCharsets.UTF_8)); }
            case "/v1/embed" -> { method(ex, "POST"); authorise(ex); yield embed(ex); }
            case "/v1/classify" -> { method(ex, "POST"); authorise(ex); yield classify(ex); }
            case "/v1/search" -> { method(ex, "POST"); authorise(ex); yield search(ex); }
            case "/v1/ask" -> { method(ex, "POST"); authorise(ex); yield ask(ex); }
            case "/v1/describe" -> { method(ex, "POST"); authorise(ex); yield describe(ex); }
            case "/v1/check-report" -> { method(ex, "POST"); authorise(ex); yield checkReport(ex); }
            default -> throw new HttpError(404, "not_found", "no such endpoint; see GET / for the API");
        };
    }

    private static void method(HttpExchange ex, String allowed) {
        if (!ex.getRequestMethod().equals(allowed))
            throw new HttpError(405, "method_not_allowed", "use " + allowed, Map.of("Allow", allowed));
    }

    private void authorise(HttpExchange ex) {
        if (token == null) return;
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7))
            throw new HttpError(401, "missing_token", "this endpoint needs 'Authorization: Bearer <token>'", Map.of("WWW-Authenticate", "Bearer"));
        byte[] given = h.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token))
            throw new HttpError(401, "invalid_token", "the bearer token is not valid", Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }

    // ---- endpoints ----

    private int health(HttpExchange ex) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("status", draining ? "draining" : "ok");
        o.put("embed_dim", embedder.dim());
        o.put("index_entries", indexSize());
        o.put("queue_depth", batcher.depth());
        o.put("language_model", language != null);
        return sendJson(ex, draining ? 503 : 200, o);
    }

    private int page(HttpExchange ex) throws IOException {
        try (InputStream in = ElixrServer.class.getResourceAsStream("index.html")) {
            if (in == null) throw new HttpError(404, "not_found", "no page in this build");
            return send(ex, 200, "text/html; charset=utf-8", in.readAllBytes());
        }
    }

    /** An image (PNG/JPEG body, or JSON {"image": base64}) or a text (JSON {"text": ...}) to its unit vector. */
    private int embed(HttpExchange ex) throws IOException {
        Body b = body(ex, true);
        float[] v;
        String kind;
        if (b.image != null) { v = await(submitImage(b.image)); kind = "image"; }
        else {
            JsonNode text = b.json.get("text");
            if (text == null || !text.isTextual() || text.asText().isBlank())
                throw HttpError.badRequest("send a PNG/JPEG body, or JSON with a non-empty string 'text' or a base64 'image'");
            v = await(submitText(text.asText()));
            kind = "text";
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", kind);
        o.put("dim", v.length);
        ArrayNode a = o.putArray("embedding");
        for (float x : v) a.add(x);
        return sendJson(ex, 200, o);
    }

    /** An image to zero-shot scores per finding, with the flags the model's zero-shot evaluation raised for each. */
    private int classify(HttpExchange ex) throws IOException {
        Body b = body(ex, true);
        if (b.image == null) throw HttpError.badRequest("send a PNG/JPEG body or JSON with a base64 'image'");
        float[] v = await(submitImage(b.image));
        double[] scores = embedder.classify(new float[][] {v})[0];
        Map<String, List<String>> flags = embedder.evaluationFlags();
        ObjectNode o = JSON.createObjectNode();
        o.put("score", "cos(image, positive prompts) - cos(image, negative prompts): above 0 leans positive");
        o.put("evaluated", !flags.isEmpty());
        ArrayNode a = o.putArray("findings");
        List<String> names = embedder.findings();
        for (int f = 0; f < names.size(); f++) {
            ObjectNode r = a.addObject();
            r.put("finding", names.get(f));
            r.put("score", scores[f]);
            ArrayNode fl = r.putArray("evaluation_flags");
            flags.getOrDefault(names.get(f), List.of()).forEach(fl::add);
        }
        return sendJson(ex, 200, o);
    }

    /** A text query to the k most similar indexed images (exact cosine after HNSW), with ids, split and thumbnails. */
    private int search(HttpExchange ex) throws IOException {
        if (index == null) throw new HttpError(404, "no_index", "this server has no index (start it with --index)");
        Body b = body(ex, false);
        JsonNode q = b.json.get("query");
        if (q == null || !q.isTextual() || q.asText().isBlank()) throw HttpError.badRequest("JSON field 'query' (a non-empty string) is required");
        int k = intField(b.json, "k", 5, 1, config.maxK());
        JsonNode split = b.json.get("split");
        if (split != null && !split.isNull() && !split.isTextual()) throw HttpError.badRequest("'split' must be a string");
        boolean thumbs = !b.json.has("thumbnails") || b.json.get("thumbnails").asBoolean(true);
        float[] v = await(submitText(q.asText()));
        List<SearchHit> hits = index.search(v, k, Math.max(SEARCH_CANDIDATES, k), split == null || split.isNull() ? null : split.asText(), thumbs);
        ObjectNode o = JSON.createObjectNode();
        o.put("query", q.asText());
        o.put("k", k);
        ArrayNode a = o.putArray("results");
        for (int i = 0; i < hits.size(); i++) {
            SearchHit h = hits.get(i);
            ObjectNode r = a.addObject();
            r.put("rank", i + 1);
            r.put("score", h.score());
            r.put("dicom_id", h.id());
            r.put("study_id", h.studyId());
            r.put("subject_id", h.subjectId());
            r.put("split", h.split());
            if (h.thumbnailPng() != null) r.put("thumbnail", "data:image/png;base64," + Base64.getEncoder().encodeToString(h.thumbnailPng()));
        }
        return sendJson(ex, 200, o);
    }

    // ---- stage 2 (ELIXR-B): questions, descriptions and report checks, generated by the LLM ----

    /** JSON {"image": base64, "question": ..., "max_new_tokens": 64} to the answer. */
    private int ask(HttpExchange ex) throws IOException {
        LanguageService l = language();
        Body b = body(ex, true);
        GreyImage img = requireImage(b, "send JSON with a base64 'image' and a 'question'");
        String q = textField(b.json, "question");
        return sendReply(ex, await(submit(() -> l.ask(img, q, maxNewTokens(b.json)))));
    }

    /** A PNG/JPEG body or JSON {"image": base64, "max_new_tokens": 64} to a generated impression. */
    private int describe(HttpExchange ex) throws IOException {
        LanguageService l = language();
        Body b = body(ex, true);
        GreyImage img = requireImage(b, "send a PNG/JPEG body or JSON with a base64 'image'");
        return sendReply(ex, await(submit(() -> l.describe(img, maxNewTokens(b.json)))));
    }

    /** JSON {"image": base64, "report": ..., "max_new_tokens": 64} to the model's check of the report, with its verdict. */
    private int checkReport(HttpExchange ex) throws IOException {
        LanguageService l = language();
        Body b = body(ex, true);
        GreyImage img = requireImage(b, "send JSON with a base64 'image' and a 'report'");
        String report = textField(b.json, "report");
        return sendReply(ex, await(submit(() -> l.checkReport(img, report, maxNewTokens(b.json)))));
    }

    private LanguageService language() {
        if (language == null) throw new HttpError(404, "no_language_model", "this server has no ELIXR-B stage-2 run (start it with --language-run)");
        return language;
    }

    private static GreyImage requireImage(Body b, String how) {
        if (b.image == null) throw HttpError.badRequest(how);
        return b.image;
    }

    private static String textField(JsonNode json, String name) {
        JsonNode n = json.get(name);
        if (n == null || !n.isTextual() || n.asText().isBlank()) throw HttpError.badRequest("JSON field '" + name + "' (a non-empty string) is required");
        if (n.asText().length() > 8192) throw HttpError.badRequest("'" + name + "' is longer than 8192 characters");
        return n.asText();
    }

    private static int maxNewTokens(JsonNode json) { return intField(json, "max_new_tokens", 64, 1, MAX_NEW_TOKENS); }

    private interface Submission<T> { CompletableFuture<T> submit() throws MicroBatcher.QueueFull; }

    private static <T> CompletableFuture<T> submit(Submission<T> s) {
        try { return s.submit(); } catch (MicroBatcher.QueueFull e) { throw busy(); }
    }

    private int sendReply(HttpExchange ex, Assistant.Reply r) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("answer", r.text());
        if (r.verdict() != null) o.put("verdict", r.verdict());
        o.put("new_tokens", r.generation().tokens().length);
        o.put("stop_reason", r.generation().stopReason());
        o.put("seconds", (r.generation().prefillNanos() + r.generation().decodeNanos()) * 1e-9);
        o.put("note", "generated by a research model: not a diagnosis");
        return sendJson(ex, 200, o);
    }

    private static int intField(JsonNode json, String name, int dflt, int lo, int hi) {
        JsonNode n = json.get(name);
        if (n == null || n.isNull()) return dflt;
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < lo || n.asInt() > hi)
            throw HttpError.badRequest("'" + name + "' must be an integer in [" + lo + ", " + hi + "]");
        return n.asInt();
    }

    // ---- bodies ----

    /** A request body: an image (PNG/JPEG body, or a base64 'image' field when allowed) and/or a JSON object. */
    private record Body(JsonNode json, GreyImage image) {}

    private Body body(HttpExchange ex, boolean imagesAllowed) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        boolean image = mime.equals("image/png") || mime.equals("image/jpeg");
        if (!mime.equals("application/json") && !(imagesAllowed && image))
            throw new HttpError(415, "unsupported_media_type", imagesAllowed
                    ? "Content-Type must be application/json, image/png or image/jpeg" : "Content-Type must be application/json");
        byte[] bytes = readBody(ex);
        if (image) return new Body(JSON.createObjectNode(), decode(bytes));
        JsonNode json;
        try {
            json = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "malformed_json", "the body is not valid JSON");
        }
        if (json == null || !json.isObject()) throw new HttpError(400, "malformed_json", "the body must be a JSON object");
        JsonNode img = json.get("image");
        if (img == null || img.isNull()) return new Body(json, null);
        if (!imagesAllowed) throw HttpError.badRequest("this endpoint takes no image");
        if (!img.isTextual()) throw HttpError.badRequest("'image' must be a base64 string");
        String s = img.asText();
        if (s.startsWith("data:")) s = s.substring(s.indexOf(',') + 1);
        byte[] raw;
        try {
            raw = Base64.getMimeDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("'image' is not valid base64");
        }
        return new Body(json, decode(raw));
    }

    private GreyImage decode(byte[] bytes) { return ImageUpload.decode(bytes, config.maxImageSide(), config.maxImagePixels()); }

    /**
     * The body, refusing (413) more than the limit: from Content-Length before reading, else while reading. A body up to
     * {@link #DRAIN_FACTOR} times the limit is read to its end and discarded first, so that the client, done sending,
     * reads the 413 instead of a reset connection; a larger one is answered at once and the connection closed.
     */
    private byte[] readBody(HttpExchange ex) throws IOException {
        long drainable = (long) DRAIN_FACTOR * config.maxBodyBytes();
        InputStream in = ex.getRequestBody();
        String len = ex.getRequestHeaders().getFirst("Content-Length");
        if (len != null) {
            long n;
            try { n = Long.parseLong(len.trim()); } catch (NumberFormatException e) { throw HttpError.badRequest("bad Content-Length"); }
            if (n > config.maxBodyBytes()) {
                if (n <= drainable) in.skipNBytes(n);
                throw tooLarge(n > drainable);
            }
        }
        byte[] bytes = in.readNBytes(config.maxBodyBytes() + 1);
        if (bytes.length > config.maxBodyBytes()) {
            throw tooLarge(!discardToEnd(in, drainable));
        }
        if (bytes.length == 0) throw HttpError.badRequest("the body is empty");
        return bytes;
    }

    /** Reads and drops up to {@code max} bytes; true when the stream ended within them. */
    private static boolean discardToEnd(InputStream in, long max) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = max;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) return true;
            left -= n;
        }
        return in.read() < 0;
    }

    /** Bodies over the limit but under this many times it are read and discarded before the 413 (see {@link #readBody}). */
    static final int DRAIN_FACTOR = 4;

    private HttpError tooLarge(boolean close) {
        return new HttpError(413, "body_too_large", "the body is larger than " + config.maxBodyBytes() + " bytes",
                close ? Map.of("Connection", "close") : Map.of());
    }

    // ---- the model ----

    private CompletableFuture<float[]> submitImage(GreyImage g) {
        try { return batcher.image(CxrImageFile.decoded(g, embedder.decode())); } catch (MicroBatcher.QueueFull e) { throw busy(); }
    }

    private CompletableFuture<float[]> submitText(String t) {
        try { return batcher.text(t); } catch (MicroBatcher.QueueFull e) { throw busy(); }
    }

    private static HttpError busy() {
        return new HttpError(429, "busy", "the model queue is full; retry later", Map.of("Retry-After", "1"));
    }

    private static HttpError unavailable(String why) {
        return new HttpError(503, "unavailable", why, Map.of("Retry-After", "1"));
    }

    private <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(config.modelTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw unavailable("the model did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        } catch (ExecutionException e) {
            log.println("elixr serve: model call failed: " + e.getCause());
            throw new HttpError(500, "internal", "the model call failed");
        }
    }

    // ---- answers ----

    private int sendError(HttpExchange ex, HttpError e) {
        ObjectNode o = JSON.createObjectNode();
        ObjectNode err = o.putObject("error");
        err.put("status", e.status);
        err.put("code", e.code);
        err.put("message", e.getMessage());
        e.headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        try {
            return sendJson(ex, e.status, o);
        } catch (IOException io) {
            return e.status;
        }
    }

    private int sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        return send(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static int send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
        return status;
    }
}
