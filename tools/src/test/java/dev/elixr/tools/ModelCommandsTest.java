package dev.elixr.tools;

import dev.elixr.autograd.io.Npy;
import dev.elixr.tasks.data.CxrImageCodec;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.dicom.DicomWriter;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code elixr tokenize} and {@code elixr forward} on the models module's PyTorch fixtures. */
class ModelCommandsTest {
    private static final Path FIXTURES = Path.of("..", "models", "src", "test", "resources", "fixtures");

    @TempDir Path tmp;

    private static String run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = new CommandLine(new Elixr());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        assertEquals(0, code, () -> "exit code; stderr: " + err);
        return out.toString();
    }

    @Test
    void tokenizePrintsIdsWithClsAndSep() {
        String vocab = FIXTURES.resolve("tokenizer/vocab.txt").toString();
        assertEquals("2,111,112,110,121,122,18,3", run("tokenize", "--vocab", vocab, "--text", "There is no pleural effusion.").strip());
        assertEquals("2,142,90,77,112,110,121,122,18,3",
                run("tokenize", "--vocab", vocab, "--cased", "--text", "There is no pleural effusion.").strip());
    }

    @Test
    void forwardBertWithTextMatchesPyTorchOnTheUnpaddedTokens() throws IOException {
        Path out = tmp.resolve("bert.npy");
        String printed = run("forward", "--model", FIXTURES.resolve("bert").toString(), "--text", "There is no pleural effusion.",
                "--output", out.toString());
        assertTrue(printed.contains("output [1,8,32]"), printed);
        Tensor ours = Npy.read(out);
        Tensor expected = Npy.read(FIXTURES.resolve("bert/last_hidden_state.npy")).narrow(0, 0, 1).narrow(1, 0, 8);
        assertClose(expected, ours);
    }

    @Test
    void forwardVitAndEfficientNetOnNpyInput() throws IOException {
        for (String[] m : new String[][] {{"vit", "last_hidden_state.npy"}, {"efficientnet", "features.npy"}}) {
            Path in = tmp.resolve(m[0] + "-in.npy"), out = tmp.resolve(m[0] + "-out.npy");
            Npy.write(in, Npy.read(FIXTURES.resolve(m[0] + "/input.npy")).narrow(0, 0, 1).contiguous());
            run("forward", "--model", FIXTURES.resolve(m[0]).toString(), "--input", in.toString(), "--output", out.toString());
            assertClose(Npy.read(FIXTURES.resolve(m[0] + "/" + m[1])).narrow(0, 0, 1), Npy.read(out));
        }
    }

    @Test
    void forwardOnADicomFileEqualsForwardOnTheSameImageAsPng() throws IOException {
        int side = 40;
        float[] px = new float[side * side];
        for (int i = 0; i < px.length; i++) px[i] = ((i * 37) % 4096) / 4095f; // on the 12-bit grid, so both files hold it
        GreyImage g = new GreyImage(side, side, px);
        Path dcm = tmp.resolve("x.dcm"), png = tmp.resolve("x.png"), a = tmp.resolve("a.npy"), b = tmp.resolve("b.npy");
        DicomWriter.write(px, side, side, new DicomWriter.Header("1.2", "p1", "PA", 12, true, 1, -1024), dcm);
        CxrImageCodec.writePng16(g, png);
        String vit = FIXTURES.resolve("vit").toString();
        run("forward", "--model", vit, "--input", dcm.toString(), "--output", a.toString());
        run("forward", "--model", vit, "--input", png.toString(), "--output", b.toString());
        assertClose(Npy.read(b), Npy.read(a));
    }

    private static void assertClose(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        float[] e = expected.contiguous().toFloatArray(), a = actual.contiguous().toFloatArray();
        double max = 0;
        for (int i = 0; i < e.length; i++) max = Math.max(max, Math.abs(e[i] - a[i]));
        assertTrue(max <= 1e-4, "max abs error " + max);
    }
}
