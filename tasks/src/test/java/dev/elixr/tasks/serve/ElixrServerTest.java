package dev.elixr.tasks.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.index.ElixrCEmbedder;
import dev.elixr.tasks.index.IndexBuilder;
import dev.elixr.tasks.index.TinyModel;
import dev.elixr.tasks.index.VectorIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

import static dev.elixr.tasks.serve.Http.assertClientError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real server on a free loopback port, with a tiny trained model and an index of its data set. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ElixrServerTest {
    static final String TOKEN = "s3cret-token-for-tests";
    static final int BODY_LIMIT = 256 * 1024;
    @TempDir static Path dir;
    static ElixrCEmbedder embedder;
    static VectorIndex index;
    static ElixrServer server;
    static Http http, anonymous;
    static TinyModel tiny;

    @BeforeAll
    static void start() throws Exception {
        tiny = TinyModel.create(dir, 40);
        embedder = ElixrCEmbedder.load(tiny.run());
        IndexBuilder.build(dir.resolve("index"), embedder, MimicCxrJpg.read(tiny.data()),
                new IndexBuilder.Options(new VectorIndex.Hnsw(16, 50), 64, 24, "test", false), TinyModel.QUIET);
        index = VectorIndex.openReadOnly(dir.resolve("index"), embedder.dim());
        server = ElixrServer.start(embedder, index, ServeConfig.defaults(0).withToken(TOKEN).withLimits(BODY_LIMIT, 1024, 1024L * 1024),
                0.5, TinyModel.QUIET);
        http = new Http(server, TOKEN);
        anonymous = new Http(server, null);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        index.close();
    }

    @Test
    void healthAnswersWithoutATokenAndListensOnLoopbackOnly() throws Exception {
        var a = anonymous.get("/health");
        assertEquals(200, a.status());
        assertEquals("ok", a.json().get("status").asText());
        assertEquals(40, a.json().get("index_entries").asInt());
        assertTrue(server.address().getAddress().isLoopbackAddress());
    }

    @Test
    void imageBodyJsonBase64AndTextAllEmbedToUnitVectorsAndTheImageMatchesTheModelCalledDirectly() throws Exception {
        byte[] png = Files.readAllBytes(MimicCxrJpg.read(tiny.data()).getFirst().image());
        var fromBody = http.post("/v1/embed", MimicCxrJpg.read(tiny.data()).getFirst().image().toString().endsWith(".png") ? "image/png" : "image/jpeg", png);
        assertEquals(200, fromBody.status(), fromBody.body());
        var fromJson = http.postJson("/v1/embed", "{\"image\": \"" + Base64.getEncoder().encodeToString(png) + "\"}");
        assertEquals(fromBody.json().get("embedding"), fromJson.json().get("embedding"));
        float[] direct = embedder.embedImages(java.util.List.of(dev.elixr.tasks.data.CxrImageCodec.read(MimicCxrJpg.read(tiny.data()).getFirst().image())))[0];
        JsonNode e = fromBody.json().get("embedding");
        assertEquals(embedder.dim(), e.size());
        for (int i = 0; i < direct.length; i++) assertEquals(direct[i], (float) e.get(i).asDouble(), 1e-6f);
        var text = http.postJson("/v1/embed", "{\"text\": \"large right pleural effusion\"}");
        assertEquals("text", text.json().get("kind").asText());
        double norm = 0;
        for (JsonNode x : text.json().get("embedding")) norm += x.asDouble() * x.asDouble();
        assertEquals(1.0, norm, 1e-4);
    }

    @Test
    void classifyGivesAScoreForEachOfThe13Findings() throws Exception {
        var a = http.post("/v1/classify", "image/png", Http.png(40, 40, 3));
        assertEquals(200, a.status(), a.body());
        JsonNode f = a.json().get("findings");
        assertEquals(13, f.size());
        assertEquals("Atelectasis", f.get(0).get("finding").asText());
        assertTrue(f.get(0).get("score").isNumber());
        assertTrue(f.get(0).get("evaluation_flags").isArray());
    }

    @Test
    void searchReturnsKIndexedImagesBestFirstWithThumbnailsAndHonoursTheSplit() throws Exception {
        var a = http.postJson("/v1/search", "{\"query\": \"cardiomegaly\", \"k\": 4, \"split\": \"train\"}");
        assertEquals(200, a.status(), a.body());
        JsonNode r = a.json().get("results");
        assertEquals(4, r.size());
        for (int i = 0; i < r.size(); i++) {
            assertEquals("train", r.get(i).get("split").asText());
            assertTrue(r.get(i).get("thumbnail").asText().startsWith("data:image/png;base64,"));
            if (i > 0) assertTrue(r.get(i - 1).get("score").asDouble() >= r.get(i).get("score").asDouble());
        }
    }

    @Test
    void metricsArePrometheusTextWithCountsLatenciesQueueDepthAndLoadTime() throws Exception {
        http.get("/health");
        var a = http.get("/metrics");
        // a request is counted when its handler ends, just after its answer was sent: allow the /health handler to finish
        for (int i = 0; i < 100 && !a.body().contains("endpoint=\"/health\",status=\"200\""); i++) {
            Thread.sleep(20);
            a = http.get("/metrics");
        }
        assertEquals(200, a.status());
        assertTrue(a.type().startsWith("text/plain"));
        assertTrue(a.body().contains("elixr_http_requests_total{endpoint=\"/health\",status=\"200\"}"), a.body());
        assertTrue(a.body().contains("elixr_http_request_duration_seconds_bucket{endpoint=\"/health\",le=\"+Inf\"}"), a.body());
        assertTrue(a.body().contains("\nelixr_model_queue_depth 0\n"), a.body());
        assertTrue(a.body().contains("\nelixr_model_load_seconds 0.5\n"), a.body());
        assertTrue(a.body().contains("\nelixr_index_entries 40\n"), a.body());
    }

    @Test
    void missingOrWrongTokensAre401OnEveryProtectedEndpoint() throws Exception {
        for (String p : new String[] {"/v1/embed", "/v1/classify", "/v1/search"}) {
            assertClientError(anonymous.postJson(p, "{\"text\": \"x\", \"query\": \"x\"}"), 401, "missing_token");
            assertClientError(new Http(server, "wrong").postJson(p, "{\"text\": \"x\", \"query\": \"x\"}"), 401, "invalid_token");
        }
        var m = anonymous.get("/metrics");
        assertClientError(m, 401, "missing_token");
        assertEquals("Bearer", m.headers().firstValue("WWW-Authenticate").orElse(""));
        assertClientError(new Http(server, TOKEN + "x").get("/metrics"), 401, "invalid_token");
    }

    @Test
    void malformedJsonAndWrongShapesAre400() throws Exception {
        assertClientError(http.postJson("/v1/embed", "{\"text\": "), 400, "malformed_json");
        assertClientError(http.postJson("/v1/search", "[1, 2]"), 400, "malformed_json");
        assertClientError(http.postJson("/v1/search", "{}"), 400, "bad_request");
        assertClientError(http.postJson("/v1/search", "{\"query\": \"x\", \"k\": 0}"), 400, "bad_request");
        assertClientError(http.postJson("/v1/search", "{\"query\": \"x\", \"k\": 1.5}"), 400, "bad_request");
        assertClientError(http.postJson("/v1/search", "{\"query\": \"x\", \"k\": 100000}"), 400, "bad_request");
        assertClientError(http.postJson("/v1/search", "{\"query\": 7}"), 400, "bad_request");
        assertClientError(http.postJson("/v1/embed", "{\"text\": \"\"}"), 400, "bad_request");
        assertClientError(http.postJson("/v1/embed", "{\"image\": \"***not base64***\"}"), 400, "bad_request");
        assertClientError(http.postJson("/v1/classify", "{\"text\": \"x\"}"), 400, "bad_request");
        assertClientError(http.post("/v1/embed", "application/json", new byte[0]), 400, "bad_request");
    }

    @Test
    void wrongContentTypesAre415AndWrongMethodsAndPaths405And404() throws Exception {
        assertClientError(http.post("/v1/embed", "text/plain", "hello".getBytes()), 415, "unsupported_media_type");
        assertClientError(http.post("/v1/search", "image/png", Http.png(8, 8, 1)), 415, "unsupported_media_type");
        assertClientError(http.send(http.request("/v1/embed").POST(HttpRequest.BodyPublishers.ofString("{}"))), 415, "unsupported_media_type");
        assertClientError(http.post("/v1/classify", "image/png", "GIF89a not a png".getBytes()), 415, "unsupported_image");
        var get = http.get("/v1/embed");
        assertClientError(get, 405, "method_not_allowed");
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        assertClientError(http.get("/etc/passwd"), 404, "not_found");
        assertClientError(http.get("/v1/embed/../../x"), 404, "not_found");
    }

    @Test
    void theLanguageEndpointsAre404WithoutAStage2Run() throws Exception {
        assertClientError(http.postJson("/v1/ask", "{\"question\": \"x\"}"), 404, "no_language_model");
        assertClientError(http.post("/v1/describe", "image/png", Http.png(40, 40, 3)), 404, "no_language_model");
        assertClientError(http.postJson("/v1/check-report", "{\"report\": \"x\"}"), 404, "no_language_model");
        assertFalse(anonymous.get("/health").json().get("language_model").asBoolean());
    }

    @Test
    void truncatedImagesAre400() throws Exception {
        byte[] png = Http.png(64, 64, 5), jpeg = Http.jpeg(64, 64, 6);
        assertClientError(http.post("/v1/embed", "image/png", Arrays.copyOf(png, png.length / 2)), 400, "corrupt_image");
        assertClientError(http.post("/v1/classify", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2)), 400, "corrupt_image");
        assertClientError(http.post("/v1/embed", "image/png", Arrays.copyOf(png, 20)), 400, "corrupt_image");
    }

    @Test
    void oversizedBodiesAndImagesAre413AndADecompressionBombIsRefusedFromItsHeader() throws Exception {
        assertClientError(http.post("/v1/embed", "image/png", new byte[BODY_LIMIT + 1]), 413, "body_too_large");
        var chunked = http.send(http.request("/v1/embed").header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[BODY_LIMIT * 2]))));
        assertClientError(chunked, 413, "body_too_large");
        byte[] bomb = Http.pngHeaderOnly(100_000, 100_000);
        assertTrue(bomb.length < 100);
        var a = http.post("/v1/classify", "image/png", bomb);
        assertClientError(a, 413, "image_too_large");
        assertTrue(a.json().get("error").get("message").asText().contains("100000 x 100000"));
        assertClientError(http.post("/v1/embed", "image/png", Http.png(1100, 10, 1)), 413, "image_too_large");
    }

    @Test
    void theWebPageShowsSearchResultsWithThumbnailsInHeadlessChromium() throws Exception {
        String chromium = Browser.chromium();
        try (ElixrServer open = ElixrServer.start(embedder, index, ServeConfig.defaults(0), 0, TinyModel.QUIET)) {
            String dom = Browser.dumpDom(chromium, "http://127.0.0.1:" + open.port() + "/?q=cardiomegaly&k=3");
            assertEquals(3, dom.split("class=\"hit\"", -1).length - 1, dom);
            assertTrue(dom.contains("3 results for"), dom);
            assertTrue(dom.contains("src=\"data:image/png;base64,"), dom);
        }
    }

    @Test
    void theWebPageScoresAnImageChosenInItsFileInputAndSearchesFromItsFormInHeadlessChromium() throws Exception {
        String chromium = Browser.chromium();
        byte[] png = Http.png(64, 64, 9);
        Path file = dir.resolve("upload.png");
        Files.write(file, png);
        try (ElixrServer open = ElixrServer.start(embedder, index, ServeConfig.defaults(0), 0, TinyModel.QUIET);
             DevToolsPage page = DevToolsPage.open(chromium)) {
            String base = "http://127.0.0.1:" + open.port() + "/";
            page.navigate(base);
            page.chooseFile("#image", file);
            page.waitFor("!document.getElementById('scores').hidden && document.querySelectorAll('#scores tbody tr').length === 13");
            JsonNode api = new Http(open, null).post("/v1/classify", "image/png", png).json().get("findings");
            for (int f : new int[] {0, 6, 12}) {
                String row = "document.querySelectorAll('#scores tbody tr')[" + f + "]";
                assertEquals(api.get(f).get("finding").asText(), page.evaluate(row + ".cells[0].textContent"));
                assertEquals(api.get(f).get("score").asDouble(), Double.parseDouble(page.evaluate(row + ".cells[1].textContent")), 1e-4);
            }
            assertEquals(2, open.answered("/v1/classify", 200));

            page.evaluate("document.getElementById('query').value = 'cardiomegaly'; document.getElementById('k').value = '4'; "
                    + "document.querySelector('#search-form button').click()");
            page.waitFor("document.querySelectorAll('#results .hit').length === 4");
            assertTrue(page.evaluate("document.getElementById('search-status').textContent").startsWith("4 results for"));
            assertEquals("4", page.evaluate("document.querySelectorAll('#results .hit img[src^=\"data:image/png;base64,\"]').length"));
        }
    }

    @Test
    void imagesAddedToTheIndexWhileServingBecomeSearchableWithoutARestart() throws Exception {
        var studies = MimicCxrJpg.read(tiny.data());
        Path growing = dir.resolve("growing-index");
        var options = new IndexBuilder.Options(new VectorIndex.Hnsw(16, 50), 64, 0, "test", false);
        IndexBuilder.build(growing, embedder, studies.subList(0, 25), options, TinyModel.QUIET);
        try (VectorIndex served = VectorIndex.openReadOnly(growing, embedder.dim());
             ElixrServer s = ElixrServer.start(embedder, served, ServeConfig.defaults(0).withIndexRefresh(java.time.Duration.ofMillis(50)), 0, TinyModel.QUIET)) {
            Http h = new Http(s, null);
            assertEquals(25, h.get("/health").json().get("index_entries").asInt());
            String added = studies.get(30).dicomId();
            IndexBuilder.add(growing, embedder, studies, options, TinyModel.QUIET); // as `elixr index add` would, from another writer
            long end = System.nanoTime() + 30_000_000_000L;
            while (h.get("/health").json().get("index_entries").asInt() < 40) {
                assertTrue(System.nanoTime() < end, "the server never saw the added images");
                Thread.sleep(20);
            }
            var all = h.postJson("/v1/search", "{\"query\": \"cardiomegaly\", \"k\": 40, \"thumbnails\": false}");
            assertEquals(200, all.status(), all.body());
            assertEquals(40, all.json().get("results").size());
            assertTrue(all.json().get("results").toString().contains("\"" + added + "\""), all.body());
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void noAnswerSoFarWasA5xx() throws Exception {
        for (String p : ElixrServer.ENDPOINTS) for (int s = 500; s < 600; s++) assertEquals(0, server.answered(p, s), p + " " + s);
        for (int s = 500; s < 600; s++) assertEquals(0, server.answered("other", s));
        assertFalse(anonymous.get("/health").body().contains("/"));
    }
}
