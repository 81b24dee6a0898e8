package dev.elixr.tasks.data.dicom;

import dev.elixr.autograd.io.Npy;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrImageCodec;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tasks.data.ImagePipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** DICOM files through the one image pipeline, in both decodings, against the pydicom/numpy references of the fixtures. */
class DicomPipelineTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @ParameterizedTest
    @ValueSource(strings = {"explicit_u16", "explicit_u12_mono1", "implicit_s16", "voi_lut", "deflated_u16", "jpeg_baseline"})
    void displayDecodingIsThePydicomDisplayImageResizedAndStretched(String name) throws IOException {
        Npy.Array ref = Npy.readArray(Fixtures.path(name + ".display.npy"));
        int rows = ref.shape()[0], cols = ref.shape()[1];
        float[] display = floats(ref.values(), 1);
        ImagePreprocessing p = ImagePreprocessing.standard(16);
        float[] got = ImagePipeline.of(p).read(Fixtures.path(name + ".dcm"));
        assertArrayEquals(p.prepare(display, cols, rows), got, 1e-5f, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"explicit_u16", "explicit_s8_mono1", "implicit_s12", "explicit_sigmoid"})
    void cxrFoundationDecodingIsTheNumpyReferenceOver65535ResizedWithoutStretch(String name) throws IOException {
        Npy.Array ref = Npy.readArray(Fixtures.path(name + ".cxrf.npy"));
        int rows = ref.shape()[0], cols = ref.shape()[1];
        ImagePreprocessing p = ImagePreprocessing.standard(16).withDecode(ImagePreprocessing.CXR_FOUNDATION);
        assertFalse(p.stretch(), "the release stretches at full resolution only");
        float[] got = ImagePipeline.of(p).read(Fixtures.path(name + ".dcm"));
        assertArrayEquals(p.prepare(floats(ref.values(), 65535), cols, rows), got, 1e-6f, name);
    }

    @Test
    void pngInCxrFoundationDecodingIsShiftedAndStretchedTo16BitsBeforeTheResize(@TempDir Path tmp) throws IOException {
        float[] px = new float[20 * 20];
        for (int i = 0; i < px.length; i++) px[i] = 0.25f + 0.5f * (i % 7) / 6f;
        Path f = tmp.resolve("x.png");
        CxrImageCodec.writePng16(new GreyImage(20, 20, px), f);
        GreyImage stored = CxrImageCodec.read(f);
        double[] ints = new double[px.length];
        for (int i = 0; i < ints.length; i++) ints[i] = Math.round(stored.pixels()[i] * 65535.0);
        float[] expected = floats(toDouble(CxrFoundationPreprocess.shiftAndStretch(ints)), 65535);
        ImagePreprocessing p = ImagePreprocessing.standard(16).withDecode(ImagePreprocessing.CXR_FOUNDATION);
        assertArrayEquals(p.prepare(expected, 20, 20), ImagePipeline.of(p).read(f), 1e-6f);
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float v : expected) { min = Math.min(min, v); max = Math.max(max, v); }
        assertEquals(0f, min);
        assertEquals(1f, max);
    }

    @Test
    void aDicomFileNamedJpgIsStillReadAsDicomAndABrokenOneIsSkippedNamingIt(@TempDir Path tmp) throws IOException {
        Path renamed = tmp.resolve("image.jpg");
        Files.copy(Fixtures.path("explicit_u16.dcm"), renamed);
        Path cut = tmp.resolve("cut.dcm");
        byte[] b = Fixtures.bytes("explicit_u16.dcm");
        Files.write(cut, java.util.Arrays.copyOf(b, b.length - 40));
        var log = new java.io.ByteArrayOutputStream();
        List<CxrStudy> s = List.of(study("a", renamed), study("b", cut));
        ImageBank bank = ImagePipeline.of(ImagePreprocessing.standard(16)).load(s, new PrintStream(log, true), "test");
        assertEquals(1, bank.count());
        assertEquals("a", bank.studies().getFirst().dicomId());
        assertTrue(log.toString().contains(cut.toString()), log.toString());
    }

    static CxrStudy study(String id, Path f) {
        return new CxrStudy(id, id, id, f, "", CheXpertLabel.blankLabels(), "test", "PA", List.of());
    }

    static float[] floats(double[] v, double over) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] / over);
        return out;
    }

    static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }
}
