package dev.elixr.tools;

import dev.elixr.autograd.io.Npy;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code elixr forward --image-features} on the models module's BLIP-2 Q-Former fixtures (made by PyTorch). */
class QFormerForwardCommandTest {
    private static final Path FIXTURES = Path.of("..", "models", "src", "test", "resources", "fixtures");

    @TempDir Path tmp;

    record Run(int code, String out, String err) {}

    /** As {@code elixr} runs it: an exception becomes "elixr: message" on stderr and exit code 1. */
    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = Elixr.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void queryOnlyCheckpointWritesTheQueryOutputsOfPyTorch() throws IOException {
        Path out = tmp.resolve("q.npy");
        Run r = run("forward", "--model", FIXTURES.resolve("qformer_query_only").toString(),
                "--image-features", FIXTURES.resolve("qformer_query_only/image_features.npy").toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("output [1,4,32]"), r.out());
        assertClose(Npy.read(FIXTURES.resolve("qformer_query_only/last_hidden_state.npy")), Npy.read(out));
    }

    @Test
    void featuresWithoutTheBatchAxisGiveTheSameOutput() throws IOException {
        Path in = tmp.resolve("f.npy"), out = tmp.resolve("q.npy");
        Tensor f = Npy.read(FIXTURES.resolve("qformer_query_only/image_features.npy"));
        Npy.write(in, f.select(0, 0).contiguous());
        Run r = run("forward", "--model", FIXTURES.resolve("qformer_query_only").toString(), "--image-features", in.toString(),
                "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertClose(Npy.read(FIXTURES.resolve("qformer_query_only/last_hidden_state.npy")), Npy.read(out));
    }

    @Test
    void fullStageOneCheckpointRunsItsQueryPass() throws IOException {
        Path in = tmp.resolve("f.npy"), out = tmp.resolve("q.npy");
        Npy.write(in, Npy.read(FIXTURES.resolve("qformer/image.npy")).narrow(0, 0, 1).contiguous());
        Run r = run("forward", "--model", FIXTURES.resolve("qformer").toString(), "--image-features", in.toString(),
                "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertClose(Npy.read(FIXTURES.resolve("qformer/query_last_hidden_state.npy")).narrow(0, 0, 1), Npy.read(out));
    }

    @Test
    void featuresOfTheWrongWidthAreRefusedNamingFileAndShapes() throws IOException {
        Path in = tmp.resolve("wide.npy");
        Npy.write(in, Tensor.zeros(1, 5, 25));
        Run r = run("forward", "--model", FIXTURES.resolve("qformer_query_only").toString(), "--image-features", in.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("elixr: " + in + " holds [1,5,25], expected image features [1,T,24]"), r.err());
    }

    @Test
    void aFileThatIsNotNpyIsRefusedWithAMessage() throws IOException {
        Path in = tmp.resolve("bad.npy");
        Files.writeString(in, "not a numpy file");
        Run r = run("forward", "--model", FIXTURES.resolve("qformer_query_only").toString(), "--image-features", in.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("elixr: ") && r.err().contains("bad.npy"), r.err());
    }

    @Test
    void aQFormerAskedForTextOrAnImageModelForFeaturesIsRefused() {
        Run r = run("forward", "--model", FIXTURES.resolve("qformer_query_only").toString(), "--text", "no effusion");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("a Q-Former takes --image-features"), r.err());
        Run v = run("forward", "--model", FIXTURES.resolve("vit").toString(), "--image-features",
                FIXTURES.resolve("qformer_query_only/image_features.npy").toString());
        assertEquals(1, v.code());
        assertTrue(v.err().contains("--image-features is for a BLIP-2 Q-Former"), v.err());
    }

    @Test
    void aCheckpointMissingATensorIsRefusedNamingIt() throws IOException {
        Path dir = tmp.resolve("broken");
        Files.createDirectories(dir);
        Files.copy(FIXTURES.resolve("qformer_query_only/config.json"), dir.resolve("config.json"));
        var w = new java.util.LinkedHashMap<>(dev.elixr.autograd.io.Safetensors.read(FIXTURES.resolve("qformer_query_only/model.safetensors")));
        w.remove("layernorm.bias");
        dev.elixr.autograd.io.Safetensors.write(dir.resolve("model.safetensors"), w);
        Run r = run("forward", "--model", dir.toString(), "--image-features",
                FIXTURES.resolve("qformer_query_only/image_features.npy").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("missing qformer.layernorm.bias (expected shape [32])"), r.err());
    }

    private static void assertClose(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        float[] e = expected.contiguous().toFloatArray(), a = actual.contiguous().toFloatArray();
        double max = 0, scale = 0;
        for (int i = 0; i < e.length; i++) {
            max = Math.max(max, Math.abs(e[i] - a[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        assertTrue(max <= 1e-5 * scale, "max abs error " + max + " over max |expected| " + scale);
    }
}
