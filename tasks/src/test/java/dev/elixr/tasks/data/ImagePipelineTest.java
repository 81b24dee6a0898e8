package dev.elixr.tasks.data;

import dev.elixr.models.elixr.AntialiasedResize;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ImagePipelineTest {
    @TempDir static Path tmp;
    static List<CxrStudy> studies;
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @BeforeAll
    static void images() throws IOException {
        studies = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 10; i++) {
            float[] p = new float[40 * 50];
            for (int k = 0; k < p.length; k++) p[k] = (float) (0.3 + 0.4 * r.nextDouble());
            Path f = tmp.resolve("img" + i + (i % 2 == 0 ? ".png" : ".jpg"));
            if (i % 2 == 0) CxrImageCodec.writePng16(new GreyImage(40, 50, p), f); else CxrImageCodec.writeJpeg(new GreyImage(40, 50, p), f);
            studies.add(new CxrStudy("p" + i, "s" + i, "d" + i, f, "", CheXpertLabel.blankLabels(), "train", "PA", List.of()));
        }
    }

    @Test
    void evaluationBatchesAreTheDecodedImagesResizedStretchedAndStandardised() throws IOException {
        ImagePipeline p = ImagePipeline.of(ImagePreprocessing.standard(16));
        ImageBank bank = p.load(studies, QUIET, "test");
        Tensor t = bank.batch(new int[] {3, 1}, null);
        assertArrayEquals(new int[] {2, 1, 16, 16}, t.shape());
        GreyImage g = CxrImageCodec.read(studies.get(1).image());
        float[] resized = AntialiasedResize.resize(g.pixels(), 40, 50, 16, 16);
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (float v : resized) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        float[] got = t.select(0, 1).contiguous().toFloatArray();
        for (int i = 0; i < got.length; i++) assertEquals(((resized[i] - lo) / (hi - lo) - 0.5f) / 0.25f, got[i], 1e-6f);
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float v : got) { min = Math.min(min, v); max = Math.max(max, v); }
        assertEquals(-2f, min, 1e-5f);
        assertEquals(2f, max, 1e-5f);
        assertArrayEquals(p.read(studies.get(3).image()), bank.image(3).pixels(), "stages 1-2 once, kept in the bank");
    }

    @Test
    void augmentationIsAPureFunctionOfItsGeneratorAndOnlyInTraining() {
        ImageBank bank = ImagePipeline.of(ImagePreprocessing.standard(16)).load(studies, QUIET, "train");
        int[] rows = {0, 5, 2};
        float[] a = bank.batch(rows, new SplittableRandom(7)).toFloatArray(), b = bank.batch(rows, new SplittableRandom(7)).toFloatArray();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, bank.batch(rows, new SplittableRandom(8)).toFloatArray()), "another step, another augmentation");
        assertFalse(Arrays.equals(a, bank.batch(rows, null).toFloatArray()), "augmented differs from plain");
        assertArrayEquals(bank.batch(rows, null).toFloatArray(), bank.batch(rows, null).toFloatArray());
    }

    @Test
    void unreadableImagesAreReportedCountedAndLeftOut() throws IOException {
        List<CxrStudy> mixed = new ArrayList<>(studies);
        Path cut = tmp.resolve("cut.jpg");
        byte[] bytes = Files.readAllBytes(studies.get(1).image());
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 3));
        Path text = tmp.resolve("text.png");
        Files.writeString(text, "hello");
        mixed.add(2, new CxrStudy("x", "x", "cut", cut, "", CheXpertLabel.blankLabels(), "train", "PA", List.of()));
        mixed.add(5, new CxrStudy("y", "y", "text", text, "", CheXpertLabel.blankLabels(), "train", "PA", List.of()));
        mixed.add(7, new CxrStudy("z", "z", "missing", tmp.resolve("missing.jpg"), "", CheXpertLabel.blankLabels(), "train", "PA", List.of()));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ImageBank bank = ImagePipeline.of(ImagePreprocessing.standard(16)).load(mixed, new PrintStream(log, true), "train");
        assertEquals(10, bank.count());
        assertEquals(studies.stream().map(CxrStudy::dicomId).toList(), bank.studies().stream().map(CxrStudy::dicomId).toList());
        String msg = log.toString();
        assertTrue(msg.contains(cut.toString()) && msg.contains(text.toString()) && msg.contains("missing.jpg"), msg);
        assertTrue(msg.contains("3 of 13 train images unreadable, skipped"), msg);
    }
}
