package dev.elixr.tasks.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A small HTTP client for the service tests, and images to send. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final String base;
    final String token;

    Http(ElixrServer s, String token) {
        this.base = "http://127.0.0.1:" + s.port();
        this.token = token;
    }

    record Answer(int status, String type, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() throws Exception { return JSON.readTree(body); }
    }

    Answer get(String path) throws Exception {
        return send(request(path).GET());
    }

    Answer post(String path, String contentType, byte[] body) throws Exception {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Answer postJson(String path, String json) throws Exception { return post(path, "application/json", json.getBytes()); }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    Answer send(HttpRequest.Builder b) throws Exception {
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
    }

    /** Asserts a 4xx answer with a JSON error of this code that leaks neither a path nor a stack trace. */
    static void assertClientError(Answer a, int status, String code) throws Exception {
        assertEquals(status, a.status(), a.body());
        assertTrue(a.type().startsWith("application/json"), a.type());
        JsonNode e = a.json().get("error");
        assertEquals(code, e.get("code").asText(), a.body());
        assertEquals(status, e.get("status").asInt());
        assertFalse(a.body().contains("/tmp") || a.body().contains("/work") || a.body().contains("Exception")
                || a.body().contains("at dev.") || a.body().contains("at java."), a.body());
    }

    static byte[] png(int w, int h, long seed) throws Exception { return encode(w, h, seed, "png"); }

    static byte[] jpeg(int w, int h, long seed) throws Exception { return encode(w, h, seed, "jpeg"); }

    private static byte[] encode(int w, int h, long seed, String format) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        SplittableRandom r = new SplittableRandom(seed);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, (x * 7 + y * 3 + r.nextInt(40)) & 255);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }

    /** A 60-byte PNG whose header declares w x h 8-bit grey pixels (a decompression bomb's header) and whose data is a stub. */
    static byte[] pngHeaderOnly(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes();
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
