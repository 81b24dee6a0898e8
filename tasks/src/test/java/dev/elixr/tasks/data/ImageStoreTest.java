package dev.elixr.tasks.data;

import dev.elixr.models.elixr.ImagePreprocessing;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The memory-mapped store of decoded images: the heap pipeline's batches bit for bit, reuse, staleness, resumption, damage. */
class ImageStoreTest {
    @TempDir Path tmp;
    List<CxrStudy> studies;
    Path root;
    final ImagePipeline pipeline = ImagePipeline.of(ImagePreprocessing.standard(16));
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @BeforeEach
    void images() throws IOException {
        studies = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 11; i++) {
            float[] p = new float[30 * 36];
            for (int k = 0; k < p.length; k++) p[k] = (float) (0.2 + 0.6 * r.nextDouble());
            Path f = tmp.resolve("img" + i + (i % 2 == 0 ? ".png" : ".jpg"));
            if (i % 2 == 0) CxrImageCodec.writePng16(new GreyImage(30, 36, p), f); else CxrImageCodec.writeJpeg(new GreyImage(30, 36, p), f);
            studies.add(new CxrStudy("p" + i, "s" + i, "d" + i, f, "", CheXpertLabel.blankLabels(), "train", "PA", List.of()));
        }
        Path text = tmp.resolve("text.png");
        Files.writeString(text, "not an image");
        studies.add(4, new CxrStudy("x", "x", "x", text, "", CheXpertLabel.blankLabels(), "train", "PA", List.of()));
        root = tmp.resolve("store");
    }

    static void assertSameBatches(ImageBank expected, ImageBank got) {
        assertEquals(expected.studies(), got.studies());
        int[] all = new int[expected.count()];
        Arrays.setAll(all, i -> i);
        assertArrayEquals(expected.batch(all, null).toFloatArray(), got.batch(all, null).toFloatArray(), "plain batches");
        int[] rows = {3, 0, 7, 7, 10};
        assertArrayEquals(expected.batch(rows, new SplittableRandom(9)).toFloatArray(), got.batch(rows, new SplittableRandom(9)).toFloatArray(),
                "augmented batches");
        for (int i = 0; i < expected.count(); i++) {
            float[] a = expected.image(i).pixels(), b = got.image(i).pixels();
            for (int k = 0; k < a.length; k++) assertEquals(Float.floatToRawIntBits(a[k]), Float.floatToRawIntBits(b[k]), "image " + i + " pixel " + k);
        }
        int[] sub = {5, 1};
        assertArrayEquals(expected.subset(sub).batch(new int[] {0, 1}, null).toFloatArray(), got.subset(sub).batch(new int[] {0, 1}, null).toFloatArray());
    }

    @Test
    void batchesFromTheStoreEqualTheHeapPipelinesBitForBitAndUnreadableImagesAreReportedAlike() {
        ByteArrayOutputStream heapLog = new ByteArrayOutputStream(), storeLog = new ByteArrayOutputStream();
        ImageBank heap = pipeline.load(studies, new PrintStream(heapLog, true), "train", null);
        ImageBank stored = pipeline.load(studies, new PrintStream(storeLog, true), "train", root);
        assertFalse(heap.mapped());
        assertTrue(stored.mapped());
        assertEquals(11, stored.count());
        assertSameBatches(heap, stored);
        assertEquals(heap.skipped().total("train", SkippedItems.IMAGES), stored.skipped().total("train", SkippedItems.IMAGES));
        assertEquals(1, stored.skipped().total("train", SkippedItems.IMAGES));
        assertTrue(storeLog.toString().contains("text.png") && storeLog.toString().contains("1 of 12 train images unreadable, skipped"), storeLog.toString());
    }

    @Test
    void aSecondRunReusesTheStoreWithoutDecoding() throws IOException {
        pipeline.load(studies, QUIET, "train", root);
        Path file = ImageStore.fileFor(root, pipeline.preprocessing(), studies);
        FileTime built = Files.getLastModifiedTime(file);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ImageBank again = pipeline.load(studies, new PrintStream(log, true), "train", root);
        assertFalse(log.toString().contains("building"), log.toString());
        assertEquals(built, Files.getLastModifiedTime(file));
        assertSameBatches(pipeline.load(studies, QUIET, "train", null), again);
        assertNotEquals(file, ImageStore.fileFor(root, ImagePreprocessing.standard(20), studies), "another size, another store");
        assertNotEquals(file, ImageStore.fileFor(root, ImagePreprocessing.standard(16).withDecode(ImagePreprocessing.CXR_FOUNDATION), studies),
                "another decode preset, another store");
    }

    @Test
    void aStoreWhoseImagesChangedIsRebuiltSayingSo() throws IOException {
        pipeline.load(studies, QUIET, "train", root);
        Path changed = studies.get(2).image();
        float[] p = new float[30 * 36];
        Arrays.fill(p, 0.1f);
        p[0] = 0.9f;
        CxrImageCodec.writePng16(new GreyImage(30, 36, p), changed);
        Files.setLastModifiedTime(changed, FileTime.fromMillis(Files.getLastModifiedTime(changed).toMillis() + 5000));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ImageBank rebuilt = pipeline.load(studies, new PrintStream(log, true), "train", root);
        Path file = ImageStore.fileFor(root, pipeline.preprocessing(), studies);
        assertTrue(log.toString().contains("image store " + file + " is stale") && log.toString().contains("rebuilding"), log.toString());
        assertSameBatches(pipeline.load(studies, QUIET, "train", null), rebuilt);
    }

    @Test
    void anInterruptedBuildResumesAfterItsLastCompleteChunk() throws IOException {
        ImageStore.open(root, pipeline, studies, QUIET, "train", 3, 2);  // killed after 2 of 4 chunks
        Path file = ImageStore.fileFor(root, pipeline.preprocessing(), studies);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ImageStore resumed = ImageStore.open(root, pipeline, studies, new PrintStream(log, true), "train", 3, Integer.MAX_VALUE);
        assertTrue(log.toString().contains("resuming the interrupted build of image store " + file + " at image 6 of 12"), log.toString());
        assertSameBatches(pipeline.load(studies, QUIET, "train", null), pipeline.loadStored(resumed, studies, QUIET, "train"));
    }

    @Test
    void aTruncatedStoreIsRefusedNamingTheFile() throws IOException {
        pipeline.load(studies, QUIET, "train", root);
        Path file = ImageStore.fileFor(root, pipeline.preprocessing(), studies);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) { f.setLength(f.length() - 100); }
        var e = assertThrows(IllegalStateException.class, () -> pipeline.load(studies, QUIET, "train", root));
        assertTrue(e.getMessage().contains("image store " + file) && e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("delete the file"), e.getMessage());
    }

    @Test
    void aStoreWithADamagedHeaderOrAForeignFileIsRefusedNamingTheFile() throws IOException {
        pipeline.load(studies, QUIET, "train", root);
        Path file = ImageStore.fileFor(root, pipeline.preprocessing(), studies);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) { f.seek(100); f.write(0x5a); }
        var damaged = assertThrows(IllegalStateException.class, () -> pipeline.load(studies, QUIET, "train", root));
        assertTrue(damaged.getMessage().contains("image store " + file) && damaged.getMessage().contains("damaged"), damaged.getMessage());
        Files.writeString(file, "some other program's file, long enough to have a header".repeat(100));
        var foreign = assertThrows(IllegalStateException.class, () -> pipeline.load(studies, QUIET, "train", root));
        assertTrue(foreign.getMessage().contains("image store " + file) && foreign.getMessage().contains("not an elixr image store"), foreign.getMessage());
    }
}
