package dev.elixr.tasks.index;

import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexBuilderTest {
    @TempDir static Path shared;
    static TinyModel tiny;
    static ElixrCEmbedder embedder;
    static List<CxrStudy> studies;

    @BeforeAll
    static void model() throws Exception {
        tiny = TinyModel.create(shared, 40);
        embedder = ElixrCEmbedder.load(tiny.run());
        studies = MimicCxrJpg.read(tiny.data());
    }

    static IndexBuilder.Options options() { return new IndexBuilder.Options(new VectorIndex.Hnsw(16, 50), 7, 16, "test", false); }

    @Test
    void anInterruptedBuildContinuesWithoutDuplicatesAndGivesTheSameVectorsAsOneBuild(@TempDir Path dir) throws Exception {
        Path once = dir.resolve("once"), twice = dir.resolve("twice");
        var full = IndexBuilder.build(once, embedder, studies, options(), TinyModel.QUIET);
        assertEquals(studies.size(), full.added());
        var first = IndexBuilder.build(twice, embedder, studies.subList(0, 17), options(), TinyModel.QUIET);
        assertEquals(17, first.size());
        var second = IndexBuilder.build(twice, embedder, studies, options(), TinyModel.QUIET);
        assertEquals(17, second.present());
        assertEquals(studies.size() - 17, second.added());
        assertEquals(studies.size(), second.size());
        try (var a = VectorIndex.openReadOnly(once, embedder.dim()); var b = VectorIndex.openReadOnly(twice, embedder.dim())) {
            assertEquals(a.ids(), b.ids());
            for (CxrStudy s : studies) assertArrayEquals(a.vector(s.dicomId()), b.vector(s.dicomId()), 1e-6f, s.dicomId());
        }
    }

    @Test
    void theEmbedderGivesTheVectorsOfTheRunsOwnImagePipeline() throws Exception {
        var run = dev.elixr.tasks.train.ElixrCRun.load(tiny.run());
        var bank = run.imagePipeline().load(studies, TinyModel.QUIET, "all");
        float[][] expected = run.embedImages(bank);
        List<dev.elixr.tasks.data.GreyImage> decoded = new java.util.ArrayList<>();
        for (CxrStudy s : bank.studies()) decoded.add(dev.elixr.tasks.data.CxrImageCodec.read(s.image()));
        float[][] got = embedder.embedImages(decoded);
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], got[i], 1e-6f, bank.studies().get(i).dicomId());
    }

    @Test
    void theIndexDecodesImageFilesAsTheEmbeddersRunWasTrained(@TempDir Path dir) throws Exception {
        List<dev.elixr.tasks.data.GreyImage> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Embedder cxrFoundation = new Embedder() {  // the tiny run's model, as if trained on CXR Foundation's decoding
            @Override public String decode() { return dev.elixr.models.elixr.ImagePreprocessing.CXR_FOUNDATION; }
            @Override public int dim() { return embedder.dim(); }
            @Override public float[][] embedImages(List<dev.elixr.tasks.data.GreyImage> images) { seen.addAll(images); return embedder.embedImages(images); }
            @Override public float[][] embedTexts(List<String> texts) { return embedder.embedTexts(texts); }
            @Override public List<String> findings() { return embedder.findings(); }
            @Override public double[][] classify(float[][] e) { return embedder.classify(e); }
            @Override public java.util.Map<String, List<String>> evaluationFlags() { return embedder.evaluationFlags(); }
            @Override public String fingerprint() { return embedder.fingerprint(); }
            @Override public java.util.Map<String, Object> describe() { return embedder.describe(); }
        };
        List<CxrStudy> few = studies.subList(0, 5);
        IndexBuilder.build(dir, cxrFoundation, few, new IndexBuilder.Options(new VectorIndex.Hnsw(16, 50), 5, 0, "test", false), TinyModel.QUIET);
        assertEquals(few.size(), seen.size());
        for (int i = 0; i < few.size(); i++) {
            var expected = dev.elixr.tasks.data.CxrImageFile.read(few.get(i).image(), dev.elixr.models.elixr.ImagePreprocessing.CXR_FOUNDATION);
            assertArrayEquals(expected.pixels(), seen.get(i).pixels(), 0f, few.get(i).dicomId());
        }
        assertEquals(dev.elixr.models.elixr.ImagePreprocessing.DISPLAY, embedder.decode(), "the tiny run records ours");
        var e = assertThrows(IllegalArgumentException.class, () -> embedder.requireDecode("cxr-foundation", tiny.run()));
        assertTrue(e.getMessage().contains("'display'") && e.getMessage().contains("--decode cxr-foundation"), e.getMessage());
        embedder.requireDecode(null, tiny.run());
        embedder.requireDecode("display", tiny.run());
    }

    @Test
    void searchFindsAnIndexedImageByItsOwnVectorWithAThumbnail(@TempDir Path dir) throws Exception {
        IndexBuilder.build(dir, embedder, studies, options(), TinyModel.QUIET);
        try (var idx = VectorIndex.openReadOnly(dir, embedder.dim())) {
            CxrStudy s = studies.get(5);
            var hits = idx.search(idx.vector(s.dicomId()), 3, 20, null, true);
            assertEquals(s.dicomId(), hits.get(0).id());
            assertEquals(1.0, hits.get(0).score(), 1e-5);
            assertEquals(s.studyId(), hits.get(0).studyId());
            assertEquals(s.split(), hits.get(0).split());
            assertNotNull(hits.get(0).thumbnailPng());
            var thumb = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(hits.get(0).thumbnailPng()));
            assertEquals(16, Math.max(thumb.getWidth(), thumb.getHeight()));
        }
    }

    @Test
    void addRefusesAMissingIndexAndBuildRefusesAnIndexOfOtherWeights(@TempDir Path dir) throws Exception {
        var e = assertThrows(java.io.IOException.class, () -> IndexBuilder.add(dir.resolve("none"), embedder, studies, options(), TinyModel.QUIET));
        assertTrue(e.getMessage().contains("not an elixr index"), e.getMessage());
        IndexBuilder.build(dir, embedder, studies.subList(0, 3), options(), TinyModel.QUIET);
        Path manifest = dir.resolve(IndexManifest.FILE);
        Files.writeString(manifest, Files.readString(manifest).replace(embedder.fingerprint(), "0".repeat(64)));
        var other = assertThrows(IllegalArgumentException.class, () -> IndexBuilder.build(dir, embedder, studies, options(), TinyModel.QUIET));
        assertTrue(other.getMessage().contains("other weights"), other.getMessage());
    }
}
