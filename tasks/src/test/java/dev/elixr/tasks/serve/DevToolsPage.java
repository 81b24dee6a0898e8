package dev.elixr.tasks.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One page of headless Chromium driven over the Chrome DevTools Protocol (JSON messages on a loopback WebSocket, the
 * JDK's own client): navigate, put a file into a file input as a user's choice would (which fires its change event),
 * and evaluate JavaScript. For page tests that need more than a dump of the DOM.
 */
final class DevToolsPage implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Process chromium;
    private final Path profile;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private DevToolsPage(Process chromium, Path profile, String webSocketUrl) {
        this.chromium = chromium;
        this.profile = profile;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(webSocketUrl), new Listener()).join();
    }

    /** Starts Chromium with an empty profile and a DevTools port on loopback, and attaches to its blank page. */
    static DevToolsPage open(String chromium) throws Exception {
        Path profile = Files.createTempDirectory("elixr-chromium");
        Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            return new DevToolsPage(p, profile, pageSocket(p, profile));
        } catch (Exception | Error e) {
            stop(p, profile);
            throw e;
        }
    }

    /** The WebSocket of the first page target, once Chromium has written its port to DevToolsActivePort. */
    private static String pageSocket(Process p, Path profile) throws Exception {
        long end = System.nanoTime() + TIMEOUT.toNanos();
        Path portFile = profile.resolve("DevToolsActivePort");
        HttpClient http = HttpClient.newHttpClient();
        while (System.nanoTime() < end) {
            if (!p.isAlive()) fail("chromium exited with status " + p.exitValue() + " before opening its DevTools port");
            List<String> lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
            if (lines.size() >= 2) {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lines.getFirst().trim() + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (JsonNode t : JSON.readTree(list))
                    if (t.path("type").asText().equals("page") && t.has("webSocketDebuggerUrl")) return t.get("webSocketDebuggerUrl").asText();
            }
            Thread.sleep(50);
        }
        return fail("chromium opened no page target within " + TIMEOUT);
    }

    /** Sends one protocol command and waits for its result. */
    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(JSON.writeValueAsString(msg), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonNode r = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (r.has("error")) fail(method + " failed: " + r.get("error"));
        return r.path("result");
    }

    private static ObjectNode params() { return JSON.createObjectNode(); }

    /** Loads a URL and waits until the document has loaded. */
    void navigate(String url) throws Exception {
        call("Page.navigate", params().put("url", url));
        waitFor("document.readyState === 'complete' && location.href === " + JSON.writeValueAsString(url));
    }

    /** The value of a JavaScript expression (awaited if it is a promise), as text. */
    String evaluate(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", params().put("expression", expression).put("returnByValue", true).put("awaitPromise", true));
        if (r.has("exceptionDetails")) fail("'" + expression + "' threw: " + r.get("exceptionDetails"));
        return r.path("result").path("value").asText();
    }

    /** Polls a JavaScript condition until it is true. */
    void waitFor(String condition) throws Exception {
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (!evaluate("Boolean(" + condition + ")").equals("true")) {
            assertTrue(System.nanoTime() < end, "the page never satisfied: " + condition);
            Thread.sleep(50);
        }
    }

    /** Chooses {@code file} in the file input matching {@code selector}, as a user would (the input's change event fires). */
    void chooseFile(String selector, Path file) throws Exception {
        int root = call("DOM.getDocument", params().put("depth", 0)).path("root").path("nodeId").asInt();
        int node = call("DOM.querySelector", params().put("nodeId", root).put("selector", selector)).path("nodeId").asInt();
        if (node == 0) fail("no element matches " + selector);
        ObjectNode p = params().put("nodeId", node);
        p.putArray("files").add(file.toAbsolutePath().toString());
        call("DOM.setFileInputFiles", p);
    }

    @Override
    public void close() {
        socket.abort();
        stop(chromium, profile);
    }

    private static void stop(Process p, Path profile) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            try (Stream<Path> s = Files.walk(profile)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        } catch (IOException | InterruptedException ignored) {
            // a profile left in the temporary directory harms nothing
        }
    }

    /** Collects each message (which may come in parts) and completes the command it answers; events are ignored. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode m = JSON.readTree(text.toString());
                    CompletableFuture<JsonNode> f = m.has("id") ? pending.remove(m.get("id").asInt()) : null;
                    if (f != null) f.complete(m);
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }
}
