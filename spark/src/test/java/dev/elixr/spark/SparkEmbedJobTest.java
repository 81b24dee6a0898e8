package dev.elixr.spark;

import dev.elixr.autograd.io.Npy;
import dev.elixr.tasks.data.Csv;
import dev.elixr.tasks.eval.EmbeddingExport;
import dev.elixr.tasks.index.IndexManifest;
import dev.elixr.tasks.index.VectorIndex;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.train.Provenance;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark job on a tiny synthetic archive, in one local[2] session (tasks retried up to twice, as on a cluster). */
class SparkEmbedJobTest {
    @TempDir static Path shared;
    static TinyArchive archive;
    static SparkSession spark;
    static int images;

    @BeforeAll
    static void setUp() throws Exception {
        archive = TinyArchive.create(shared, 24);
        images = ArchiveListing.read(archive.data()).images().size();
        spark = SparkSession.builder().config(SparkEmbedMain.conf("local[2]", 2)).getOrCreate();
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) spark.stop();
    }

    static SparkEmbedJob.Options options(Path out) {
        return SparkEmbedJob.Options.of(archive.run(), archive.data(), out).withPartitions(3).withBatch(4);
    }

    /** dicom_id -> embedding of every row of OUT/embeddings, as Spark reads the table; fails on a repeated id. */
    static Map<String, float[]> table(Path out) {
        Map<String, float[]> byId = new HashMap<>();
        for (Row r : spark.read().parquet(out.resolve("embeddings").toString()).select("dicom_id", "embedding").collectAsList()) {
            List<Float> v = r.getList(1);
            float[] f = new float[v.size()];
            for (int i = 0; i < f.length; i++) f[i] = v.get(i);
            assertTrue(byId.put(r.getString(0), f) == null, "dicom_id " + r.getString(0) + " appears twice");
        }
        return byId;
    }

    static Set<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            Set<String> out = new HashSet<>();
            s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).forEach(out::add);
            return out;
        }
    }

    @Test
    void theCliOnLocal2GivesOneEmbeddingPerImageEqualToSingleProcessEmbedAndAnIndexServeOpens(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out"), index = dir.resolve("index"), npy = dir.resolve("single.npy");
        assertEquals(0, SparkEmbedMain.execute(spark.sparkContext(), "--master", "local[2]", "--run", archive.run().toString(), "--data", archive.data().toString(),
                "--out", out.toString(), "--index", index.toString(), "--partitions", "3", "--batch", "5"));

        var single = EmbeddingExport.write(archive.run(), archive.data(), "all", EmbeddingExport.Kind.IMAGE, npy, "elixr embed", TinyArchive.QUIET);
        float[] flat = Npy.read(npy).toFloatArray();
        Csv ids = Csv.read(single.ids());
        Map<String, float[]> spark = table(out);
        assertEquals(images, single.rows());
        assertEquals(single.rows(), spark.size(), "one row per image");
        try (var idx = VectorIndex.openReadOnly(index, IndexManifest.read(index).dim())) {
            assertEquals(single.rows(), idx.size(), "index entries");
            for (int i = 0; i < single.rows(); i++) {
                String id = ids.get(i, "dicom_id");
                float[] expected = java.util.Arrays.copyOfRange(flat, i * single.dim(), (i + 1) * single.dim());
                assertNotNull(spark.get(id), id);
                assertArrayEquals(expected, spark.get(id), 1e-5f, id);
                assertArrayEquals(expected, idx.vector(id), 1e-5f, id + " in the index");
            }
        }
        IndexManifest m = IndexManifest.read(index);
        assertEquals(Provenance.sha256(archive.run().resolve(ElixrCRun.WEIGHTS)), m.fingerprint());
        Row first = spark().read().parquet(out.resolve("embeddings").toString()).select("model_id", "preprocessing_id").first();
        assertEquals(m.fingerprint(), first.getString(0));
        assertEquals(JobManifest.read(out).preprocessingId(), first.getString(1));
        assertEquals(Set.of("part-00000.parquet", "part-00001.parquet", "part-00002.parquet"), names(out.resolve("embeddings")));
    }

    @Test
    /** Three shards stay under Lucene's merge policy's segments per tier (10), so nothing is merged after the copy. */
    void threeShardsMergeIntoAnIndexHoldingEachShardsSegmentByteForByteSoNoHnswGraphIsRebuilt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out"), index = dir.resolve("index");
        SparkEmbedJob.run(spark.sparkContext(), options(out).withIndex(index), TinyArchive.QUIET);
        List<Path> merged = compoundFiles(index);
        assertEquals(3, merged.size(), "one segment per shard: " + merged);
        try (var idx = VectorIndex.openReadOnly(index, IndexManifest.read(index).dim())) {
            assertEquals(3, idx.segments());
            assertEquals(images, idx.size());
        }
        for (int p = 0; p < 3; p++) {
            List<Path> shard = compoundFiles(out.resolve("shards").resolve(PartitionCommit.name(p, "")));
            assertEquals(1, shard.size(), "shard " + p + " is one segment");
            long same = merged.stream().filter(m -> sameBytes(m, shard.get(0))).count();
            assertEquals(1, same, "shard " + p + "'s segment (vectors and HNSW graph) appears unchanged in the index");
        }
    }

    @Test
    void aRerunWithAnIndexOnEmbeddingsCommittedWithoutOneBuildsTheShardsFromParquetWithoutEmbeddingAgain(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out"), index = dir.resolve("index");
        var first = SparkEmbedJob.run(spark.sparkContext(), options(out), TinyArchive.QUIET);
        assertEquals(images, first.embeddedNow());
        assertFalse(Files.exists(out.resolve("shards")), "no shards without --index");
        var second = SparkEmbedJob.run(spark.sparkContext(), options(out).withIndex(index), TinyArchive.QUIET);
        assertEquals(0, second.embeddedNow(), "nothing embedded again");
        assertEquals(3, second.skippedPartitions());
        assertEquals(images, second.indexed());
        Map<String, float[]> table = table(out);
        try (var idx = VectorIndex.openReadOnly(index, IndexManifest.read(index).dim())) {
            assertEquals(images, idx.size());
            for (var e : table.entrySet()) assertArrayEquals(e.getValue(), idx.vector(e.getKey()), e.getKey());
        }
    }

    static List<Path> compoundFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".cfs")).sorted().toList();
        }
    }

    static boolean sameBytes(Path a, Path b) {
        try {
            return Files.mismatch(a, b) == -1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static SparkSession spark() { return spark; }

    @Test
    void aTaskDyingMidPartitionIsRetriedBySparkAndTheOutputHasNoDuplicatesOrPartialFiles(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        var r = SparkEmbedJob.run(spark.sparkContext(), options(out).withFailOnce(1), TinyArchive.QUIET);
        assertEquals(1, r.partitions().get(1).attempt(), "partition 1 finished by its second attempt");
        assertEquals(0, r.partitions().get(0).attempt());
        assertEquals(images, r.rows());
        assertEquals(images, r.embeddedNow(), "the failed attempt's rows are not counted");
        assertEquals(1, ExecutorModel.loads(), "the model is loaded once in this JVM (the local executor), whatever the tasks and attempts");
        assertEquals(images, table(out).size());
        assertEquals(Set.of("part-00000.parquet", "part-00001.parquet", "part-00002.parquet"), names(out.resolve("embeddings")),
                "only committed files, no temporary folder left");
    }

    @Test
    void aRerunSkipsFinishedPartitionsAndRefusesAnotherPartitioning(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        var first = SparkEmbedJob.run(spark.sparkContext(), options(out), TinyArchive.QUIET);
        assertEquals(0, first.skippedPartitions());
        Map<String, float[]> before = table(out);
        Path lost = out.resolve("embeddings").resolve("part-00002.parquet");
        int lostRows = first.partitions().get(2).rows();
        Files.delete(lost);
        var second = SparkEmbedJob.run(spark.sparkContext(), options(out), TinyArchive.QUIET);
        assertEquals(2, second.skippedPartitions());
        assertFalse(second.partitions().get(2).skipped());
        assertEquals(lostRows, second.embeddedNow(), "only the missing partition is embedded again");
        assertEquals(images, second.rows());
        Map<String, float[]> after = table(out);
        assertEquals(before.keySet(), after.keySet());
        for (String id : before.keySet()) assertArrayEquals(before.get(id), after.get(id), id);
        var third = SparkEmbedJob.run(spark.sparkContext(), options(out), TinyArchive.QUIET);
        assertEquals(3, third.skippedPartitions());
        assertEquals(0, third.embeddedNow());
        var e = assertThrows(IllegalArgumentException.class, () -> SparkEmbedJob.run(spark.sparkContext(), options(out).withPartitions(2), TinyArchive.QUIET));
        assertTrue(e.getMessage().contains("--partitions 3"), e.getMessage());
    }

    @Test
    void aParquetListingWrittenBySparkIsReadWithLongAndNullCellsAsTextAndGivesTheSameEmbeddingsAsTheFolderItLists(@TempDir Path dir) throws Exception {
        var rows = ArchiveListing.read(archive.data()).images().stream()
                .map(a -> org.apache.spark.sql.RowFactory.create(a.id(), archive.data().relativize(Path.of(a.path())).toString(),
                        (long) a.id().hashCode(), null)).toList();
        var schema = new org.apache.spark.sql.types.StructType().add("dicom_id", "string").add("path", "string")
                .add("study_id", "long").add("view", "string");
        Path listing = archive.data().resolve("listing.parquet");  // beside the images: paths relative to it
        spark.createDataFrame(rows, schema).coalesce(1).write().mode("overwrite").parquet(listing.toString());
        Path fromFolder = dir.resolve("folder"), fromParquet = dir.resolve("parquet");
        SparkEmbedJob.run(spark.sparkContext(), options(fromFolder), TinyArchive.QUIET);
        var listed = ArchiveListing.read(listing).images();
        assertEquals(images, listed.size());
        for (ArchiveImage a : listed) {
            assertEquals(Long.toString(a.id().hashCode()), a.studyId(), "a long column read as its decimal text");
            assertEquals("", a.view(), "a null cell read as empty");
        }
        var r = SparkEmbedJob.run(spark.sparkContext(), SparkEmbedJob.Options.of(archive.run(), listing, fromParquet).withPartitions(2), TinyArchive.QUIET);
        assertEquals(images, r.rows());
        Map<String, float[]> a = table(fromFolder), b = table(fromParquet);
        assertEquals(a.keySet(), b.keySet());
        for (String id : a.keySet()) assertArrayEquals(a.get(id), b.get(id), 1e-6f, id);
    }

    @Test
    void anUnreadableImageIsCountedBySparkAndSkipped(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (Stream<Path> s = Files.walk(archive.data())) {
            for (Path p : s.toList()) {
                Path t = data.resolve(archive.data().relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        List<ArchiveImage> listed = ArchiveListing.read(data).images();
        ArchiveImage broken = listed.get(5);
        Files.write(Path.of(broken.path()), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3});  // a truncated JPEG
        Path out = dir.resolve("out");
        var r = SparkEmbedJob.run(spark.sparkContext(), SparkEmbedJob.Options.of(archive.run(), data, out).withPartitions(3).withBatch(4), TinyArchive.QUIET);
        assertEquals(1, r.badNow(), "the accumulator");
        assertEquals(List.of(broken.id()), r.badIds());
        assertEquals(images - 1, r.rows());
        Map<String, float[]> t = table(out);
        assertEquals(images - 1, t.size());
        assertFalse(t.containsKey(broken.id()));
        var rerun = SparkEmbedJob.run(spark.sparkContext(), SparkEmbedJob.Options.of(archive.run(), data, out).withPartitions(3), TinyArchive.QUIET);
        assertEquals(List.of(broken.id()), rerun.badIds(), "a skipped partition still reports its unreadable image");
        assertEquals(0, rerun.badNow());
    }
}
