package dev.elixr.tools;

import dev.elixr.autograd.io.Npy;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.CxrImageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code elixr data decode}: DICOM against pydicom's arrays, PNG raw and grey, refusals reported with the file. */
class DataDecodeCommandTest {
    @TempDir Path tmp;

    private static Path resource(String name) throws Exception { return Path.of(DataDecodeCommandTest.class.getResource("/dicom/" + name).toURI()); }

    private static int run(StringWriter err, String... args) {
        CommandLine cli = Elixr.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void dicomRawIsPydicomsRescaledArrayAndDefaultIsItsDisplay() throws Exception {
        Path dcm = resource("explicit_u12_mono1.dcm"), raw = tmp.resolve("raw.npy"), shown = tmp.resolve("display.npy");
        assertEquals(0, run(new StringWriter(), "data", "decode", dcm.toString(), "--output", raw.toString(), "--raw"));
        assertEquals(0, run(new StringWriter(), "data", "decode", dcm.toString(), "--output", shown.toString()));
        Npy.Array ours = Npy.readArray(raw), ref = Npy.readArray(resource("explicit_u12_mono1.raw.npy"));
        assertEquals(Npy.Type.FLOAT32, ours.type());
        assertArrayEquals(new int[] {12, 16}, ours.shape());
        for (int i = 0; i < ref.values().length; i++) assertEquals((float) ref.values()[i], (float) ours.values()[i], 0f, "raw " + i);
        double[] d = Npy.readArray(shown).values(), dRef = Npy.readArray(resource("explicit_u12_mono1.display.npy")).values();
        for (int i = 0; i < dRef.length; i++) assertEquals(dRef[i], d[i], 1e-6, "display " + i);
    }

    @Test
    void png16RawIsTheStoredIntegersAndDefaultIsGreyInUnitRange() throws Exception {
        float[] px = new float[6 * 4];
        for (int i = 0; i < px.length; i++) px[i] = i / 23f;
        Path png = tmp.resolve("x.png");
        CxrImageCodec.writePng16(new GreyImage(6, 4, px, 16), png);
        Path raw = tmp.resolve("raw.npy"), grey = tmp.resolve("grey.npy");
        assertEquals(0, run(new StringWriter(), "data", "decode", png.toString(), "--output", raw.toString(), "--raw"));
        assertEquals(0, run(new StringWriter(), "data", "decode", png.toString(), "--output", grey.toString()));
        Npy.Array r = Npy.readArray(raw), g = Npy.readArray(grey);
        assertArrayEquals(new int[] {4, 6}, r.shape());
        for (int i = 0; i < px.length; i++) {
            assertEquals(Math.round(px[i] * 65535f), r.values()[i], 0.0, "raw " + i);
            assertEquals(Math.round(px[i] * 65535f) / 65535.0, g.values()[i], 1e-6, "grey " + i);
        }
    }

    @Test
    void refusedDicomExitsNonZeroNamingTheFileAndSyntax() throws Exception {
        Path dcm = resource("refuse_big_endian.dcm");
        StringWriter err = new StringWriter();
        assertEquals(1, run(err, "data", "decode", dcm.toString(), "--output", tmp.resolve("o.npy").toString()));
        assertTrue(err.toString().contains(dcm.toString()) && err.toString().contains("1.2.840.10008.1.2.2"), err.toString());
    }
}
