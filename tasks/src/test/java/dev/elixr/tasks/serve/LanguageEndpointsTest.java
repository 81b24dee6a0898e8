package dev.elixr.tasks.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.index.ElixrCEmbedder;
import dev.elixr.tasks.language.Assistant;
import dev.elixr.tasks.language.ElixrB2Run;
import dev.elixr.tasks.language.Stage2Fixture;
import dev.elixr.tasks.language.Stage2Job;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static dev.elixr.tasks.serve.Http.assertClientError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /v1/ask, /v1/describe and /v1/check-report on the real server with a tiny ELIXR-B stage-2 run (2 training steps). */
class LanguageEndpointsTest {
    static final String TOKEN = "language-token";
    @TempDir static Path dir;
    static ElixrB2Run stage2;
    static ElixrServer server;
    static Http http;
    static Path image;
    static byte[] png;

    @BeforeAll
    static void start() throws Exception {
        Stage2Fixture f = Stage2Fixture.create(dir);
        Path run = dir.resolve("run-b2");
        Stage2Job.run(f.options(run, 2, 1e-3, false, 0), "test", dev.elixr.tasks.index.TinyModel.QUIET);
        stage2 = ElixrB2Run.load(run, dev.elixr.tasks.index.TinyModel.QUIET);
        image = MimicCxrJpg.read(f.data()).getFirst().image();
        png = Files.readAllBytes(image);
        server = ElixrServer.start(ElixrCEmbedder.load(f.imageRun()), null, stage2, ServeConfig.defaults(0).withToken(TOKEN), 0, dev.elixr.tasks.index.TinyModel.QUIET);
        http = new Http(server, TOKEN);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static String imageJson(String extra) {
        return "{\"image\": \"" + Base64.getEncoder().encodeToString(png) + "\"" + extra + "}";
    }

    static String contentType() { return image.toString().endsWith(".png") ? "image/png" : "image/jpeg"; }

    @Test
    void askAnswersAsTheAssistantDoesOnTheSameImageFile() throws Exception {
        var a = http.postJson("/v1/ask", imageJson(", \"question\": \"Is there a pneumothorax?\", \"max_new_tokens\": 6"));
        assertEquals(200, a.status(), a.body());
        Assistant.Reply direct = new Assistant(stage2).ask(stage2.towerTokens(image), "Is there a pneumothorax?", 6, s -> {});
        assertEquals(direct.text(), a.json().get("answer").asText());
        assertEquals(direct.generation().tokens().length, a.json().get("new_tokens").asInt());
        assertTrue(a.json().get("new_tokens").asInt() <= 6);
    }

    @Test
    void describeTakesAnImageBodyAndCheckReportNamesAVerdict() throws Exception {
        var d = http.post("/v1/describe", contentType(), png);
        assertEquals(200, d.status(), d.body());
        assertTrue(d.json().get("answer").isTextual());
        var c = http.postJson("/v1/check-report", imageJson(", \"report\": \"FINDINGS: Lungs are clear. IMPRESSION: No acute process.\", \"max_new_tokens\": 4"));
        assertEquals(200, c.status(), c.body());
        JsonNode verdict = c.json().get("verdict");
        assertTrue(verdict != null && verdict.isTextual() && !verdict.asText().isEmpty(), c.body());
    }

    @Test
    void missingFieldsBadBudgetsAndMissingTokensAre4xx() throws Exception {
        assertClientError(http.postJson("/v1/ask", imageJson("")), 400, "bad_request");
        assertClientError(http.postJson("/v1/ask", imageJson(", \"question\": \"  \"")), 400, "bad_request");
        assertClientError(http.post("/v1/ask", contentType(), png), 400, "bad_request");
        assertClientError(http.postJson("/v1/ask", "{\"question\": \"Is there an effusion?\"}"), 400, "bad_request");
        assertClientError(http.postJson("/v1/ask", imageJson(", \"question\": \"x\", \"max_new_tokens\": 0")), 400, "bad_request");
        assertClientError(http.postJson("/v1/ask", imageJson(", \"question\": \"x\", \"max_new_tokens\": 100000")), 400, "bad_request");
        assertClientError(http.postJson("/v1/check-report", imageJson("")), 400, "bad_request");
        assertClientError(http.postJson("/v1/describe", "{\"image\": \"bm90IGFuIGltYWdl\"}"), 415, "unsupported_image");
        assertClientError(new Http(server, null).postJson("/v1/ask", imageJson(", \"question\": \"x\"")), 401, "missing_token");
        assertClientError(http.post("/v1/describe", "text/plain", "hello".getBytes()), 415, "unsupported_media_type");
        for (String p : new String[] {"/v1/ask", "/v1/describe", "/v1/check-report"})
            for (int s = 500; s < 600; s++) assertEquals(0, server.answered(p, s), p + " " + s);
    }

    @Test
    void thePageAsksAQuestionAboutTheChosenImageInHeadlessChromium() throws Exception {
        String chromium = Browser.chromium();
        Path file = dir.resolve("chosen" + (image.toString().endsWith(".png") ? ".png" : ".jpg"));
        Files.write(file, png);
        try (ElixrServer open = ElixrServer.start(ElixrCEmbedder.load(stage2.stage1().imageRun().dir()), null, stage2, ServeConfig.defaults(0), 0, dev.elixr.tasks.index.TinyModel.QUIET);
             DevToolsPage page = DevToolsPage.open(chromium)) {
            page.navigate("http://127.0.0.1:" + open.port() + "/");
            page.waitFor("!document.getElementById('ask').hidden");
            page.chooseFile("#image", file);
            page.evaluate("document.getElementById('question').value = 'Is there a pleural effusion?'; "
                    + "document.querySelector('#ask-form button').click()");
            page.waitFor("document.getElementById('ask-status').textContent.includes('tokens in')");
            var api = new Http(open, null).postJson("/v1/ask", imageJson(", \"question\": \"Is there a pleural effusion?\""));
            assertEquals(api.json().get("answer").asText(), page.evaluate("document.getElementById('answer').textContent"));
            assertEquals(2, open.answered("/v1/ask", 200));
        }
    }
}
