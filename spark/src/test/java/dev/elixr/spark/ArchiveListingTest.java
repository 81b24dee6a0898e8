package dev.elixr.spark;

import dev.elixr.autograd.io.Npy;
import dev.elixr.tasks.data.CxrImageCodec;
import dev.elixr.tasks.data.GreyImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArchiveListingTest {
    static Path dicom(Path dir) throws Exception {
        Path f = dir.resolve("explicit_sigmoid.dcm");
        try (InputStream in = ArchiveListingTest.class.getResourceAsStream("/dicom/explicit_sigmoid.dcm")) {
            Files.copy(in, f);
        }
        return f;
    }

    static void png(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        CxrImageCodec.writePng8(new GreyImage(4, 3, new float[12]), file);
    }

    @Test
    void aCsvListingResolvesPathsAgainstItsFolderAndTakesTheFileStemWhenNoIdIsGiven(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("list.csv"), "path,dicom_id,study_id,split\nimg/a.png,id-a,s1,test\nimg/b.png,,s2,\n/abs/c.dcm,id-a,s3,train\n");
        var l = ArchiveListing.read(dir.resolve("list.csv"));
        assertEquals(List.of(new ArchiveImage("id-a", "s1", "", "test", "", dir.resolve("img/a.png").toString()),
                new ArchiveImage("b", "s2", "", "", "", dir.resolve("img/b.png").toString())), l.images());
        assertEquals(1, l.duplicatesDropped(), "a repeated id keeps its first image");
        assertEquals("CSV listing", l.kind());
    }

    @Test
    void aListingWithoutAPathColumnIsRefusedNamingItsColumns(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("list.csv"), "file,dicom_id\na.png,a\n");
        var e = assertThrows(IllegalArgumentException.class, () -> ArchiveListing.read(dir.resolve("list.csv")));
        assertTrue(e.getMessage().contains("'path' column") && e.getMessage().contains("[file, dicom_id]"), e.getMessage());
    }

    @Test
    void aFolderListsItsDicomJpegAndPngFilesSortedWithIdsFromTheirRelativePaths(@TempDir Path dir) throws Exception {
        png(dir.resolve("b/2.png"));
        png(dir.resolve("a/1.png"));
        Files.writeString(dir.resolve("a/notes.txt"), "not an image");
        dicom(dir.resolve("a"));
        var l = ArchiveListing.read(dir);
        assertEquals(List.of("a/1", "a/explicit_sigmoid", "b/2"), l.images().stream().map(ArchiveImage::id).toList());
        assertEquals("folder", l.kind());
        assertEquals(l.digest(), ArchiveListing.read(dir).digest(), "the same listing, the same digest");
    }

    @Test
    void aDicomFileDecodesToItsDisplayImageAsPydicomGivesIt(@TempDir Path dir) throws Exception {
        Path f = dicom(dir);
        GreyImage g = ArchiveDecoder.read(f, dev.elixr.models.elixr.ImagePreprocessing.DISPLAY);
        Path npy = dir.resolve("display.npy");
        try (InputStream in = getClass().getResourceAsStream("/dicom/explicit_sigmoid.display.npy")) {
            Files.copy(in, npy);
        }
        var expected = Npy.read(npy);
        assertEquals(expected.size(0), g.height());
        assertEquals(expected.size(1), g.width());
        assertArrayEquals(expected.toFloatArray(), g.pixels(), 1e-6f);
    }
}
