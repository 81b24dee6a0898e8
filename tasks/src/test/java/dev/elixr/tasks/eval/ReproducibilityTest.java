package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.io.Npy;
import dev.elixr.models.elixr.ElixrCConfigFile;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.data.LabelPolicy;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tasks.train.Provenance;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.cpu.Simd;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** On a tiny trained run: manifests, their reuse and refusals, eval.json and run.json, and the embedding export. */
class ReproducibilityTest {
    @TempDir static Path tmp;
    static TinyRun tiny;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll static void train() throws Exception {
        tiny = TinyRun.create(tmp);
    }

    static ElixrCEvaluation eval(Path manifest) throws Exception {
        return ElixrCEvaluation.open(tiny.run(), tiny.data(), TinyRun.QUIET).withManifest(manifest).withCommandLine("elixr eval (test)");
    }

    static List<String> testIds() throws Exception {
        return MimicCxrJpg.read(tiny.data()).stream().filter(s -> s.split().equals("test")).map(s -> s.dicomId()).toList();
    }

    @Test void zeroShotWritesItsManifestAndReuseGivesIdenticalMetrics() throws Exception {
        Path dir = tiny.run().resolve("eval/zero-shot");
        eval(null).zeroShot(Prompts.defaults(), 50, 3);
        SplitManifest m = SplitManifest.read(dir.resolve("manifest.json"));
        assertEquals("zero-shot", m.task());
        assertEquals(3, m.seed());
        assertEquals(testIds(), m.split("test", dir));
        String metrics = Files.readString(dir.resolve("metrics.json")), scores = Files.readString(dir.resolve("scores.csv"));
        assertTrue(JSON.readTree(metrics).get("mean_auc").isNumber(), metrics);
        JsonNode rec = JSON.readTree(dir.resolve("eval.json").toFile());
        assertEquals("elixr eval (test)", rec.get("command").asText());
        assertEquals(3, rec.get("seed").asLong());
        assertEquals(LabelPolicy.IGNORE_BOTH.toString(), rec.at("/options/label_policy").asText());
        assertTrue(rec.get("manifest_reused").isNull());
        assertEquals(Provenance.sha256(tiny.run().resolve(ElixrCRun.WEIGHTS)), rec.get("weights_sha256").asText());
        assertEquals(32, rec.at("/preprocessing/image_size").asInt());

        Path saved = tmp.resolve("zs-manifest.json");
        Files.copy(dir.resolve("manifest.json"), saved);
        eval(saved).zeroShot(Prompts.defaults(), 50, 999); // the manifest's seed wins over the requested one
        assertEquals(metrics, Files.readString(dir.resolve("metrics.json")));
        assertEquals(scores, Files.readString(dir.resolve("scores.csv")));
        assertEquals(saved.toAbsolutePath().normalize().toString(),
                JSON.readTree(dir.resolve("eval.json").toFile()).get("manifest_reused").asText());
        assertEquals(m, SplitManifest.read(dir.resolve("manifest.json")));
    }

    @Test void aManifestChoosesTheImagesInItsOrder() throws Exception {
        List<String> ids = testIds();
        List<String> chosen = List.of(ids.get(5), ids.get(0), ids.get(3), ids.get(2));
        Path f = tmp.resolve("subset-manifest.json");
        SplitManifest.of("search", tiny.data(), 0, Map.of("test", chosen), null).write(f);
        var r = eval(f).search(SearchQuery.defaults(), 2);
        for (var q : r.perQuery()) for (var h : q.top()) assertEquals(chosen.get(h.index()), h.dicomId());
        assertEquals(chosen, SplitManifest.read(tiny.run().resolve("eval/search/manifest.json")).split("test", f));
    }

    @Test void searchOnTheValidationSplitRanksOnlyValidationImagesAndWritesItsOwnDirectory() throws Exception {
        List<String> validate = MimicCxrJpg.read(tiny.data()).stream().filter(s -> s.split().equals("validate"))
                .map(s -> s.dicomId()).toList();
        assertFalse(validate.isEmpty());
        var r = eval(null).search(SearchQuery.defaults(), 3, "validate");
        for (var q : r.perQuery()) for (var h : q.top()) assertEquals(validate.get(h.index()), h.dicomId());
        Path dir = tiny.run().resolve("eval/search-validate");
        SplitManifest m = SplitManifest.read(dir.resolve("manifest.json"));
        assertEquals("search", m.task());
        assertEquals(List.of("validate"), List.copyOf(m.splits().keySet()));
        assertEquals(validate, m.split("validate", dir));
        assertEquals("validate", JSON.readTree(dir.resolve("eval.json").toFile()).at("/options/split").asText());
        assertEquals(r.meanNdcg(), JSON.readTree(dir.resolve("metrics.json").toFile()).get("mean_ndcg_at_k").asDouble(), 1e-12);
    }

    @Test void aValidationManifestNamesItsTaskAndCanBeReused() throws Exception {
        eval(null).zeroShot(Prompts.defaults(), LabelPolicy.IGNORE_BOTH, "validate", 20, 4);
        Path dir = tiny.run().resolve("eval/zero-shot-validate"), saved = tmp.resolve("zs-validate-manifest.json");
        Files.copy(dir.resolve("manifest.json"), saved);
        String metrics = Files.readString(dir.resolve("metrics.json"));
        assertEquals("zero-shot", SplitManifest.read(saved).task());
        eval(saved).zeroShot(Prompts.defaults(), LabelPolicy.IGNORE_BOTH, "validate", 20, 4);
        assertEquals(metrics, Files.readString(dir.resolve("metrics.json")));
    }

    @Test void unknownIdsAndOtherTasksAreRefused() throws Exception {
        List<String> ids = testIds();
        Path f = tmp.resolve("ghost.json");
        SplitManifest.of("zero-shot", tiny.data(), 1, Map.of("test", List.of(ids.get(0), "ghost-dicom-0001")), null).write(f);
        var e = assertThrows(IllegalArgumentException.class, () -> eval(f).zeroShot(Prompts.defaults(), 10, 1));
        assertTrue(e.getMessage().contains("'ghost-dicom-0001'") && e.getMessage().contains(f.toString()), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> eval(f).search(SearchQuery.defaults(), 5));
        assertTrue(e2.getMessage().contains("zero-shot") && e2.getMessage().contains(f.toString()), e2.getMessage());
    }

    @Test void dataEfficientReuseGivesTheSameSubsetsAndMetrics() throws Exception {
        Path dir = tiny.run().resolve("eval/data-efficient");
        List<Probe> probes = List.of(new LogisticProbe());
        eval(null).dataEfficient(new double[] {0.3, 1.0}, 2, 8, null, probes);
        SplitManifest m = SplitManifest.read(dir.resolve("manifest.json"));
        assertEquals(List.of("train", "test"), List.copyOf(m.splits().keySet()));
        assertEquals(3, m.probeSubsets().subsets().size());
        assertTrue(m.probeSubsets().sampling().startsWith("by patient"));
        String metrics = Files.readString(dir.resolve("metrics.json")), scores = Files.readString(dir.resolve("scores.csv"));
        assertTrue(JSON.readTree(metrics).at("/results/elixr-c/logistic/1.0/mean_auc").isNumber(), metrics);
        assertTrue(JSON.readTree(metrics).at("/results/elixr-c/logistic/0.3/mean_auc").isNumber(), metrics);
        Path saved = tmp.resolve("de-manifest.json");
        Files.copy(dir.resolve("manifest.json"), saved);
        // other fractions, repeats and seed requested: the manifest's subsets and seed are used
        eval(saved).dataEfficient(new double[] {0.5}, 1, 1234, null, probes);
        assertEquals(metrics, Files.readString(dir.resolve("metrics.json")));
        assertEquals(scores, Files.readString(dir.resolve("scores.csv")));
        assertEquals(m, SplitManifest.read(dir.resolve("manifest.json")));
    }

    /** The use case: a second model evaluated with the first one's manifest sees the same images and probe subsets. */
    @Test void aSecondModelIsEvaluatedOnTheFirstModelsSubsets() throws Exception {
        Path first = tmp.resolve("first-de.json");
        eval(null).dataEfficient(new double[] {0.2, 1.0}, 2, 31, null, List.of(new LogisticProbe()));
        Files.copy(tiny.run().resolve("eval/data-efficient/manifest.json"), first);
        Path other = TinyRun.train(tiny.data(), tmp.resolve("other-run"), 77);
        ElixrCEvaluation.open(other, tiny.data(), TinyRun.QUIET).withManifest(first)
                .dataEfficient(new double[] {0.01}, 5, 1, null, List.of(new LogisticProbe()));
        SplitManifest a = SplitManifest.read(first), b = SplitManifest.read(other.resolve("eval/data-efficient/manifest.json"));
        assertEquals(a, b);
        assertEquals(3, b.probeSubsets().subsets().size());
        JsonNode rec = JSON.readTree(other.resolve("eval/data-efficient/eval.json").toFile());
        assertEquals(first.toAbsolutePath().normalize().toString(), rec.get("manifest_reused").asText());
        assertEquals(31, rec.get("seed").asLong());
        assertNotEquals(Provenance.sha256(tiny.run().resolve(ElixrCRun.WEIGHTS)), rec.get("weights_sha256").asText());
        String header = "encoder,probe,fraction,repeat,dicom_id,finding,label,score";
        assertEquals(rowsWithoutScores(tiny.run(), header), rowsWithoutScores(other, header));
    }

    /** scores.csv without its score column: which (subset, image, finding, label) rows were evaluated. */
    static List<String> rowsWithoutScores(Path run, String header) throws Exception {
        List<String> lines = Files.readAllLines(run.resolve("eval/data-efficient/scores.csv"));
        assertEquals(header, lines.get(0));
        return lines.stream().skip(1).map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    @Test void runJsonRecordsVersionsSeedsPreprocessingAndCommand() throws Exception {
        JsonNode r = JSON.readTree(tiny.run().resolve("run.json").toFile());
        assertEquals("elixr train elixr-c (test)", r.get("command").asText());
        assertEquals(5, r.at("/seeds/seed").asLong());
        assertEquals(Parallel.threads(), r.at("/versions/threads").asInt());
        assertEquals(Simd.species().vectorBitSize(), r.at("/versions/vector_bits").asInt());
        assertEquals(Runtime.version().toString(), r.at("/versions/java").asText());
        assertEquals(32, r.at("/preprocessing/image_size").asInt());
        assertEquals(ImagePreprocessing.MEAN, r.at("/preprocessing/standardise_mean").floatValue());
        assertEquals(ImagePreprocessing.STD, r.at("/preprocessing/standardise_std").floatValue());
        assertEquals(ElixrCConfigFile.FORMAT, r.at("/config/model/format").asText());
        assertEquals(32, r.at("/config/model/image/preprocessing/size").asInt());
    }

    @Test void embeddingsExportRoundTrips() throws Exception {
        Path out = tmp.resolve("emb/test-images.npy");
        var w = EmbeddingExport.write(tiny.run(), tiny.data(), "test", EmbeddingExport.Kind.IMAGE, out, "elixr embed (test)", TinyRun.QUIET);
        List<String> ids = testIds();
        assertEquals(ids.size(), w.rows());
        assertEquals(8, w.dim());
        assertEquals(tmp.resolve("emb/test-images.ids.csv"), w.ids());
        assertEquals(tmp.resolve("emb/test-images.preprocessing.json"), w.preprocessing());

        ElixrCRun run = ElixrCRun.load(tiny.run());
        var studies = MimicCxrJpg.read(tiny.data()).stream().filter(s -> s.split().equals("test")).toList();
        float[][] expected = run.embedImages(run.imagePipeline().load(studies, TinyRun.QUIET, "test"));
        Npy.Array a = Npy.readArray(out);
        assertEquals(Npy.Type.FLOAT32, a.type());
        assertArrayEquals(new int[] {ids.size(), 8}, a.shape());
        for (int i = 0; i < ids.size(); i++) {
            double n = 0;
            for (int j = 0; j < 8; j++) {
                assertEquals(expected[i][j], (float) a.values()[i * 8 + j], 0f);
                n += a.values()[i * 8 + j] * a.values()[i * 8 + j];
            }
            assertEquals(1.0, n, 1e-5, "row " + i + " is L2-normalised");
        }
        List<String> lines = Files.readAllLines(w.ids());
        assertEquals("row,dicom_id,study_id,subject_id,split", lines.get(0));
        assertEquals(ids.size() + 1, lines.size());
        for (int i = 0; i < ids.size(); i++) {
            var s = studies.get(i);
            assertEquals(i + "," + s.dicomId() + "," + s.studyId() + "," + s.subjectId() + ",test", lines.get(i + 1));
        }
        JsonNode p = JSON.readTree(w.preprocessing().toFile());
        assertEquals("image", p.get("kind").asText());
        assertEquals(32, p.at("/preprocessing/image_size").asInt());
        assertEquals("(v - 0.5) / 0.25", p.at("/preprocessing/normalisation").asText());
        assertEquals(8, p.at("/model/embedDim").asInt());
        assertEquals(Provenance.sha256(tiny.run().resolve(ElixrCRun.WEIGHTS)), p.at("/weights/sha256").asText());
        assertEquals(tiny.run().toAbsolutePath().normalize().toString(), p.get("run").asText());
        assertNpyHeaderIsNumpys(out, ids.size(), 8);

        var t = EmbeddingExport.write(tiny.run(), tiny.data(), "all", EmbeddingExport.Kind.TEXT, tmp.resolve("emb/all-text.npy"), "t", TinyRun.QUIET);
        assertEquals(MimicCxrJpg.read(tiny.data()).size(), t.rows());
        assertArrayEquals(new int[] {t.rows(), 8}, Npy.readArray(t.npy()).shape());
        assertEquals("text", JSON.readTree(t.preprocessing().toFile()).get("kind").asText());
    }

    @Test void embedRefusesBadArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> EmbeddingExport.write(tiny.run(), tiny.data(), "holdout",
                EmbeddingExport.Kind.IMAGE, tmp.resolve("x.npy"), "t", TinyRun.QUIET));
        assertTrue(e.getMessage().contains("holdout"));
        e = assertThrows(IllegalArgumentException.class, () -> EmbeddingExport.write(tiny.run(), tiny.data(), "test",
                EmbeddingExport.Kind.IMAGE, tmp.resolve("x.bin"), "t", TinyRun.QUIET));
        assertTrue(e.getMessage().contains(".npy"));
    }

    /**
     * The header numpy's format.read_array_header_1_0 accepts and format.write_array writes for a C-order float32
     * [rows, cols] array: magic, version 1.0, little-endian uint16 length, the dict literal with its keys in sorted order,
     * space padding and a newline so that the data starts at a multiple of 64, then rows*cols little-endian floats.
     */
    static void assertNpyHeaderIsNumpys(Path file, int rows, int cols) throws Exception {
        byte[] b = Files.readAllBytes(file);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(b, 8));
        int len = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        assertEquals(0, (10 + len) % 64, "data aligned to 64 bytes");
        String header = new String(b, 10, len, StandardCharsets.US_ASCII);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }", header.stripTrailing());
        assertTrue(header.endsWith("\n"));
        assertEquals(10 + len + 4L * rows * cols, b.length);
    }
}
