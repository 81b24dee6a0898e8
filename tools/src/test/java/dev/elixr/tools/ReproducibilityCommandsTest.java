package dev.elixr.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.io.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Through the command line: full command lines in run.json and eval.json, {@code --manifest} reuse and refusal, {@code elixr embed}. */
class ReproducibilityCommandsTest {
    @TempDir static Path tmp;
    static Path data, run;
    static final ObjectMapper JSON = new ObjectMapper();

    record Result(int code, String out, String err) {}

    static Result elixr(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = new CommandLine(new Elixr());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        var oldOut = System.out;
        var captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = cmd.execute(args);
        } finally {
            System.setOut(oldOut);
        }
        return new Result(code, captured + out.toString(), err.toString());
    }

    static Result ok(String... args) {
        Result r = elixr(args);
        assertEquals(0, r.code(), () -> String.join(" ", args) + "\nstderr: " + r.err());
        return r;
    }

    @BeforeAll static void trainTinyRun() {
        data = tmp.resolve("data");
        run = tmp.resolve("run");
        ok("data", "synth", "--out", data.toString(), "--studies", "60", "--seed", "4", "--size", "32", "--no-progress");
        ok("train", "elixr-c", "--data", data.toString(), "--out", run.toString(), "--image-size", "32", "--epochs", "1",
                "--batch", "16", "--no-augment", "--seed", "6");
    }

    @Test void runJsonHasTheFullCommandLine() throws Exception {
        JsonNode r = JSON.readTree(run.resolve("run.json").toFile());
        String expected = "elixr train elixr-c --data " + data + " --out " + run + " --image-size 32 --epochs 1 --batch 16 --no-augment --seed 6";
        assertEquals(expected, r.get("command").asText());
        assertEquals(expected, r.at("/sessions/0/command").asText());
        assertEquals(6, r.get("seed").asLong());
        assertTrue(r.at("/versions/vector_species").asText().contains("float"), r.toString());
    }

    @Test void zeroShotManifestIsReusedAndRefusedForSearch() throws Exception {
        Path dir = run.resolve("eval/zero-shot");
        ok("eval", "zero-shot", "--run", run.toString(), "--data", data.toString(), "--bootstrap", "20", "--seed", "2");
        String metrics = Files.readString(dir.resolve("metrics.json"));
        Path manifest = tmp.resolve("zs.json");
        Files.copy(dir.resolve("manifest.json"), manifest);
        ok("eval", "zero-shot", "--run", run.toString(), "--data", data.toString(), "--bootstrap", "20", "--manifest", manifest.toString());
        assertEquals(metrics, Files.readString(dir.resolve("metrics.json")));
        JsonNode rec = JSON.readTree(dir.resolve("eval.json").toFile());
        assertEquals("elixr eval zero-shot --run " + run + " --data " + data + " --bootstrap 20 --manifest " + manifest, rec.get("command").asText());
        assertEquals(2, rec.get("seed").asLong());

        Result refused = elixr("eval", "search", "--run", run.toString(), "--data", data.toString(), "--manifest", manifest.toString());
        assertNotEquals(0, refused.code());
        assertTrue(refused.err().contains(manifest.toString()) && refused.err().contains("zero-shot"), refused.err());

        String edited = Files.readString(manifest).replaceFirst("\"test\" : \\[ \"([^\"]+)\"", "\"test\" : [ \"no-such-image\"");
        assertNotEquals(Files.readString(manifest), edited);
        Files.writeString(manifest, edited);
        refused = elixr("eval", "zero-shot", "--run", run.toString(), "--data", data.toString(), "--manifest", manifest.toString());
        assertNotEquals(0, refused.code());
        assertTrue(refused.err().contains("'no-such-image'") && refused.err().contains(manifest.toString()), refused.err());
    }

    @Test void embedWritesNpyIdsAndPreprocessing() throws Exception {
        Path out = tmp.resolve("out/all.npy");
        Result r = ok("embed", "--run", run.toString(), "--data", data.toString(), "--out", out.toString(), "--split", "all");
        Npy.Array a = Npy.readArray(out);
        List<String> ids = Files.readAllLines(tmp.resolve("out/all.ids.csv"));
        assertEquals(60 + 1, ids.size(), "one line per image plus the header");
        assertArrayEquals(new int[] {60, 128}, a.shape());
        assertTrue(r.out().contains("60 x 128 image embeddings"), r.out());
        JsonNode p = JSON.readTree(tmp.resolve("out/all.preprocessing.json").toFile());
        assertEquals("all", p.get("split").asText());
        assertEquals("elixr embed --run " + run + " --data " + data + " --out " + out + " --split all", p.get("command").asText());
        assertEquals(64, p.at("/weights/sha256").asText().length());

        Path text = tmp.resolve("out/test-text.npy");
        ok("embed", "--run", run.toString(), "--data", data.toString(), "--out", text.toString(), "--kind", "text");
        assertEquals(128, Npy.readArray(text).shape()[1]);
        Result bad = elixr("embed", "--run", run.toString(), "--data", data.toString(), "--out", text.toString(), "--kind", "audio");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("--kind audio"), bad.err());
    }

    @Test void commandLinesAreShellQuoted() {
        assertEquals("--out", CommandLineText.quote("--out"));
        assertEquals("/tmp/a-b_c.npy", CommandLineText.quote("/tmp/a-b_c.npy"));
        assertEquals("'my data'", CommandLineText.quote("my data"));
        assertEquals("'it'\\''s'", CommandLineText.quote("it's"));
        assertEquals("''", CommandLineText.quote(""));
    }
}
