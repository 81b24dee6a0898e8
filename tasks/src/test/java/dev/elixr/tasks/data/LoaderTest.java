package dev.elixr.tasks.data;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class LoaderTest {
    @TempDir Path tmp;
    List<CxrStudy> studies;

    @BeforeEach
    void images() throws IOException {
        studies = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 10; i++) {
            float[] p = new float[40 * 50];
            for (int k = 0; k < p.length; k++) p[k] = (float) (0.3 + 0.4 * r.nextDouble());
            Path f = tmp.resolve("img" + i + (i % 2 == 0 ? ".png" : ".jpg"));
            if (i % 2 == 0) CxrImageCodec.writePng16(new GreyImage(40, 50, p), f); else CxrImageCodec.writeJpeg(new GreyImage(40, 50, p), f);
            float[] labels = CheXpertLabel.blankLabels();
            labels[CheXpertLabel.EDEMA.ordinal()] = i % 3 == 0 ? 1f : 0f;
            studies.add(new CxrStudy("p" + i, "s" + i, "d" + i, f, "", labels, "train", "PA", List.of()));
        }
    }

    private static List<String> ids(Loader l, int epoch) {
        List<String> out = new ArrayList<>();
        try (Loader.Epoch e = l.epoch(epoch)) { for (Loader.Batch b : e) for (CxrStudy s : b.studies()) out.add(s.dicomId()); }
        return out;
    }

    @Test
    void evaluationBatchesAreOrderedShapedAndStandardised() throws IOException {
        Loader l = new Loader(studies, Loader.Options.eval(4, 16));
        List<Loader.Batch> batches = new ArrayList<>();
        try (Loader.Epoch e = l.epoch(0)) { e.forEach(batches::add); }
        assertEquals(3, batches.size());
        assertArrayEquals(new int[] {4, 1, 16, 16}, batches.get(0).images().shape());
        assertArrayEquals(new int[] {2, 1, 16, 16}, batches.get(2).images().shape());
        assertArrayEquals(new int[] {4, 14}, batches.get(0).labels().shape());
        assertEquals(1f, batches.get(0).labels().get(0, CheXpertLabel.EDEMA.ordinal()));
        assertTrue(Float.isNaN(batches.get(0).labels().get(0, 0)));
        assertEquals(List.of("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9"), ids(l, 0));
        float[] direct = Preprocess.stretch(Preprocess.resize(CxrImageCodec.read(studies.get(1).image()), 16, 16).pixels());
        Preprocess.standardise(direct, 0.5f, 0.25f);
        float[] got = batches.get(0).images().select(0, 1).contiguous().toFloatArray();
        assertArrayEquals(direct, got, 1e-6f);
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float v : got) { min = Math.min(min, v); max = Math.max(max, v); }
        assertEquals(-2f, min, 1e-5f);
        assertEquals(2f, max, 1e-5f);
    }

    @Test
    void shuffleAndAugmentationAreSeeded() throws IOException {
        Loader a = new Loader(studies, Loader.Options.train(3, 16, 42)), b = new Loader(studies, Loader.Options.train(3, 16, 42));
        List<String> e0 = ids(a, 0);
        assertEquals(9, e0.size(), "last partial batch dropped");
        assertEquals(e0, ids(b, 0));
        assertNotEquals(e0, ids(a, 1));
        assertNotEquals(e0, ids(new Loader(studies, Loader.Options.train(3, 16, 43)), 0));
        float[] x = a.image(studies.get(2), 0, 5), y = b.image(studies.get(2), 0, 5), z = a.image(studies.get(2), 1, 5);
        assertArrayEquals(x, y);
        assertFalse(Arrays.equals(x, z), "augmentations differ between epochs");
        Loader eval = new Loader(studies, Loader.Options.eval(3, 16));
        assertArrayEquals(eval.image(studies.get(2), 0, 5), eval.image(studies.get(2), 7, 1), "no augmentation in evaluation");
    }

    @Test
    void badImagesAreReportedCountedAndSkipped() throws IOException {
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
        Loader l = new Loader(mixed, Loader.Options.eval(4, 8), Augmentation.DEFAULT, new PrintStream(log, true));
        List<Integer> sizes = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try (Loader.Epoch e = l.epoch(0)) {
            for (Loader.Batch b : e) { sizes.add(b.size()); b.studies().forEach(s -> seen.add(s.dicomId())); }
        }
        assertEquals(List.of(4, 4, 2), sizes, "bad images are skipped and batches refilled");
        assertEquals(10, seen.size());
        assertFalse(seen.contains("cut") || seen.contains("text") || seen.contains("missing"));
        assertEquals(3, l.badImages());
        String msg = log.toString();
        assertTrue(msg.contains(cut.toString()) && msg.contains(text.toString()) && msg.contains("missing.jpg"), msg);
        assertTrue(msg.contains("(3 so far)"), msg);
    }

    @Test
    void closingEarlyStopsTheBackgroundThread() throws Exception {
        Loader l = new Loader(studies, Loader.Options.eval(1, 8));
        Loader.Epoch e = l.epoch(0);
        assertTrue(e.hasNext());
        e.next();
        e.close();
        Thread.sleep(50);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("loader-epoch-0") && t.isAlive()));
        assertEquals(0, l.badImages());
    }
}
