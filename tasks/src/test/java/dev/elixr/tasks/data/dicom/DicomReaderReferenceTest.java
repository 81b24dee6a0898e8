package dev.elixr.tasks.data.dicom;

import dev.elixr.autograd.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The reader against pydicom 2.3 on files pydicom wrote (make_fixtures.py): raw exactly, display to 1e-6. */
class DicomReaderReferenceTest {
    static Stream<String> decoded() { return Stream.of(Fixtures.DECODED); }

    @ParameterizedTest @MethodSource("decoded")
    void rawEqualsPydicomModalityOutputExactly(String name) throws IOException {
        DicomImage img = new DicomReader().read(Fixtures.path(name + ".dcm"));
        Npy.Array ref = Npy.readArray(Fixtures.path(name + ".raw.npy"));
        assertArrayEquals(ref.shape(), new int[] {img.rows(), img.columns()}, name + " shape");
        for (int i = 0; i < ref.values().length; i++) {
            assertEquals((float) ref.values()[i], img.raw()[i], 0f, name + " raw pixel " + i);
        }
    }

    @ParameterizedTest @MethodSource("decoded")
    void displayEqualsPydicomVoiOutputWithin1e6(String name) throws IOException {
        DicomImage img = new DicomReader().read(Fixtures.path(name + ".dcm"));
        double[] ref = Npy.readArray(Fixtures.path(name + ".display.npy")).values();
        assertEquals(ref.length, img.display().length, name);
        for (int i = 0; i < ref.length; i++) assertEquals(ref[i], img.display()[i], 1e-6, name + " display pixel " + i);
    }

    @ParameterizedTest @MethodSource("decoded")
    void cxrFoundationPreprocessEqualsTheNumpyReferenceExactly(String name) throws IOException {
        DicomImage img = new DicomReader().read(Fixtures.path(name + ".dcm"));
        double[] ref = Npy.readArray(Fixtures.path(name + ".cxrf.npy")).values();
        float[] ours = CxrFoundationPreprocess.apply(img);
        for (int i = 0; i < ref.length; i++) assertEquals(ref[i], ours[i], 0.0, name + " pixel " + i);
    }

    static Stream<String[]> refusals() {
        return new String(Fixtures.bytes("refusals.txt"), StandardCharsets.UTF_8).lines().map(l -> l.split("\t"));
    }

    @ParameterizedTest @MethodSource("refusals")
    void unsupportedFilesAreRefusedNamingFileAndReason(String file, String word) {
        var path = Fixtures.path(file);
        DicomException e = assertThrows(DicomException.class, () -> new DicomReader().read(path));
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(word), e.getMessage());
        assertEquals(path, e.file());
    }

    @Test
    void refusedCompressedSyntaxNamesUidAndTitle() {
        var path = Fixtures.path("refuse_jpeg2000.dcm");
        DicomException e = assertThrows(DicomException.class, () -> new DicomReader().read(path));
        assertTrue(e.getMessage().contains("1.2.840.10008.1.2.4.90 (JPEG 2000 Image Compression (Lossless Only))"), e.getMessage());
    }

    @Test
    void fixturesCoverEachTransferSyntaxReadAndTheWindowFunctions() throws IOException {
        var seen = new java.util.HashSet<TransferSyntax>();
        var voi = new java.util.HashSet<String>();
        for (String n : Fixtures.DECODED) {
            DicomImage img = new DicomReader().read(Fixtures.path(n + ".dcm"));
            seen.add(img.syntax());
            voi.add(img.voiDescription().replaceAll("window [^ ]+ ", "window "));
        }
        assertEquals(4, seen.size(), seen.toString());
        assertEquals(java.util.Set.of("VOI LUT", "min-max", "window LINEAR", "window LINEAR_EXACT", "window SIGMOID"), voi);
    }
}
