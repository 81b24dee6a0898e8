package dev.elixr.tasks.index;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorIndexTest {
    static final int N = 2000, DIM = 128, K = 10;

    static List<IndexEntry> entries(float[][] v) {
        List<IndexEntry> out = new ArrayList<>();
        for (int i = 0; i < v.length; i++) out.add(new IndexEntry("img" + i, "s" + (i / 2), "p" + (i / 10), i % 5 == 0 ? "test" : "train", v[i], null));
        return out;
    }

    static double meanRecall(VectorIndex idx, float[][] base, float[][] queries) throws Exception {
        double sum = 0;
        for (float[] q : queries) {
            int[] exact = ExactSearch.topK(base, q, K);
            int[] approx = idx.search(q, K, 100, null, false).stream().mapToInt(h -> Integer.parseInt(h.id().substring(3))).toArray();
            sum += ExactSearch.recall(exact, approx);
        }
        return sum / queries.length;
    }

    @Test
    void recallAt10AgainstExactSearchIsAtLeast098AndSurvivesReopen(@TempDir Path dir) throws Exception {
        float[][] base = SyntheticVectors.clustered(N, DIM, 20, 0.8, 1);
        float[][] queries = SyntheticVectors.clustered(50, DIM, 20, 0.8, 1_000_003);
        double before;
        try (VectorIndex idx = VectorIndex.openWritable(dir, DIM, VectorIndex.Hnsw.DEFAULT)) {
            idx.add(entries(base).subList(0, N / 2));
            idx.commit();
            idx.add(entries(base).subList(N / 2, N));
            idx.commit();
            assertEquals(N, idx.size());
            before = meanRecall(idx, base, queries);
        }
        assertTrue(before >= 0.98, "recall@10 " + before);
        try (VectorIndex idx = VectorIndex.openReadOnly(dir, DIM)) {
            assertEquals(N, idx.size());
            assertEquals(before, meanRecall(idx, base, queries), 1e-12);
            assertArrayEquals(base[123], idx.vector("img123"));
        }
    }

    @Test
    void shardsAddedAsTheyAreGiveOneIndexWithEveryEntryAndTheSameRecall(@TempDir Path dir) throws Exception {
        float[][] base = SyntheticVectors.clustered(N, DIM, 20, 0.8, 1);
        float[][] queries = SyntheticVectors.clustered(50, DIM, 20, 0.8, 1_000_003);
        List<Path> shards = List.of(dir.resolve("a"), dir.resolve("b"), dir.resolve("c"));
        int[] cut = {0, 700, 1300, N};
        for (int s = 0; s < shards.size(); s++) {
            try (VectorIndex idx = VectorIndex.openWritable(shards.get(s), DIM, VectorIndex.Hnsw.DEFAULT)) {
                idx.add(entries(base).subList(cut[s], cut[s + 1]));
                idx.commit();
            }
        }
        try (VectorIndex idx = VectorIndex.openWritable(dir.resolve("merged"), DIM, VectorIndex.Hnsw.DEFAULT)) {
            idx.addIndexes(shards);
            assertEquals(N, idx.size());
            assertEquals(N, idx.ids().size());
        }
        try (VectorIndex idx = VectorIndex.openReadOnly(dir.resolve("merged"), DIM)) {
            assertEquals(N, idx.size());
            assertArrayEquals(base[1500], idx.vector("img1500"));
            double recall = meanRecall(idx, base, queries);
            assertTrue(recall >= 0.98, "recall@10 " + recall);
        }
    }

    @Test
    void hitsCarryExactDotProductsBestFirstAndHonourTheSplitFilter(@TempDir Path dir) throws Exception {
        float[][] base = SyntheticVectors.clustered(500, DIM, 5, 0.8, 2);
        float[] q = SyntheticVectors.clustered(1, DIM, 5, 0.8, 3)[0];
        try (VectorIndex idx = VectorIndex.openWritable(dir, DIM, VectorIndex.Hnsw.DEFAULT)) {
            idx.add(entries(base));
            idx.commit();
            var hits = idx.search(q, 7, 50, "test", false);
            assertEquals(7, hits.size());
            for (int i = 0; i < hits.size(); i++) {
                var h = hits.get(i);
                assertEquals("test", h.split());
                assertEquals(ExactSearch.dot(base[Integer.parseInt(h.id().substring(3))], q), h.score(), 0.0);
                if (i > 0) assertTrue(hits.get(i - 1).score() >= h.score());
            }
        }
    }

    @Test
    void addingAnIdAgainReplacesItInsteadOfDuplicating(@TempDir Path dir) throws Exception {
        float[][] base = SyntheticVectors.clustered(100, DIM, 3, 0.8, 4);
        float[][] other = SyntheticVectors.clustered(100, DIM, 3, 0.8, 5);
        try (VectorIndex idx = VectorIndex.openWritable(dir, DIM, VectorIndex.Hnsw.DEFAULT)) {
            idx.add(entries(base));
            idx.commit();
            idx.add(entries(other).subList(0, 10));
            idx.commit();
            assertEquals(100, idx.size());
            assertEquals(100, idx.ids().size());
            assertArrayEquals(other[3], idx.vector("img3"));
        }
    }

    @Test
    void uncommittedEntriesAreNotSearchableAndAQueryOfTheWrongWidthIsRefused(@TempDir Path dir) throws Exception {
        float[][] base = SyntheticVectors.clustered(50, DIM, 3, 0.8, 6);
        try (VectorIndex idx = VectorIndex.openWritable(dir, DIM, VectorIndex.Hnsw.DEFAULT)) {
            idx.add(entries(base));
            assertEquals(0, idx.size());
            idx.commit();
            assertEquals(50, idx.size());
            var e = assertThrows(IllegalArgumentException.class, () -> idx.search(new float[DIM + 1], 5, 10, null, false));
            assertTrue(e.getMessage().contains("129") && e.getMessage().contains("128"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> idx.add(List.of(new IndexEntry("x", "", "", "", new float[3], null))));
        }
    }

    @Test
    void aReadOnlyIndexSeesAnotherWritersCommitsAfterRefreshAndNotBefore(@TempDir Path dir) throws Exception {
        float[][] base = SyntheticVectors.clustered(80, DIM, 3, 0.8, 7);
        try (VectorIndex w = VectorIndex.openWritable(dir, DIM, VectorIndex.Hnsw.DEFAULT)) {
            w.add(entries(base).subList(0, 50));
            w.commit();
            try (VectorIndex r = VectorIndex.openReadOnly(dir, DIM)) {
                assertEquals(50, r.size());
                assertFalse(r.refresh());
                w.add(entries(base).subList(50, 80));
                w.commit();
                assertEquals(50, r.size());
                assertNull(r.vector("img60"));
                assertTrue(r.refresh());
                assertEquals(80, r.size());
                assertArrayEquals(base[60], r.vector("img60"));
                assertEquals("img60", r.search(base[60], 1, 50, null, false).getFirst().id());
                assertFalse(r.refresh());
            }
        }
    }

    @Test
    void anIndexThatKeptItsVectorsAsStoredFieldsStillReRanksExactlyAndTakesNewEntries(@TempDir Path dir) throws Exception {
        float[][] base = SyntheticVectors.clustered(120, DIM, 3, 0.8, 8);
        List<IndexEntry> e = entries(base);
        try (var d = FSDirectory.open(dir); var w = new IndexWriter(d, new IndexWriterConfig())) {
            for (IndexEntry x : e.subList(0, 60)) { // the document layout of indexes built before the doc-values column
                Document doc = new Document();
                doc.add(new StringField(VectorIndex.ID, x.id(), Field.Store.YES));
                doc.add(new StringField(VectorIndex.STUDY, x.studyId(), Field.Store.YES));
                doc.add(new StringField(VectorIndex.SUBJECT, x.subjectId(), Field.Store.YES));
                doc.add(new StringField(VectorIndex.SPLIT, x.split(), Field.Store.YES));
                doc.add(new KnnFloatVectorField(VectorIndex.VECTOR, x.vector(), VectorSimilarityFunction.DOT_PRODUCT));
                doc.add(new StoredField(VectorIndex.STORED_RAW, VectorIndex.toBytes(x.vector())));
                w.addDocument(doc);
            }
            w.commit();
        }
        try (VectorIndex idx = VectorIndex.openWritable(dir, DIM, VectorIndex.Hnsw.DEFAULT)) {
            idx.add(e.subList(60, 120));
            idx.commit();
            assertEquals(120, idx.size());
            assertArrayEquals(base[7], idx.vector("img7"));
            assertArrayEquals(base[77], idx.vector("img77"));
            for (float[] q : new float[][] {base[7], base[77]}) {
                var hits = idx.search(q, 10, 120, null, false);
                int[] exact = ExactSearch.topK(base, q, 10);
                for (int i = 0; i < 10; i++) {
                    assertEquals("img" + exact[i], hits.get(i).id());
                    assertEquals(ExactSearch.dot(base[exact[i]], q), hits.get(i).score(), 0.0);
                }
            }
        }
    }
}
