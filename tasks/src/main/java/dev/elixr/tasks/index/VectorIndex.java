package dev.elixr.tasks.index;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.Field;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.Bits;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A persistent approximate nearest-neighbour index of unit vectors on Lucene's HNSW graph (Malkov and Yashunin, 2018):
 * one document per image with a {@link KnnFloatVectorField} (dot product, which on L2-normalised vectors is the
 * cosine), its ids and split as stored keyword fields, the vector again as float32 bytes in a binary doc-values column
 * (read for re-ranking without decompressing stored documents), and an optional thumbnail. A search asks HNSW for
 * {@code candidates} neighbours (oversampling, at least k) and re-ranks them by the exact dot product in double
 * precision; only the k hits' stored fields are read. Documents are keyed by id: adding an id again replaces it, so a
 * resumed build never duplicates. Searches go through a {@link SearcherManager}: writes are visible after
 * {@link #commit}, and a read-only index sees another process's commits after {@link #refresh} (searches in flight
 * keep the reader they started with).
 */
public final class VectorIndex implements Closeable {
    static final String ID = "id", STUDY = "study_id", SUBJECT = "subject_id", SPLIT = "split", VECTOR = "vector",
            RAW = "vector_f32_dv", THUMB = "thumbnail";
    /** Where indexes built before the doc-values column kept the vector: a stored field (a field keeps its kind in Lucene). */
    static final String STORED_RAW = "vector_f32";

    /** HNSW graph parameters: M (max connections per node) and the beam width while building. */
    public record Hnsw(int maxConn, int beamWidth) {
        public static final Hnsw DEFAULT = new Hnsw(32, 200);
        public Hnsw {
            if (maxConn < 2 || maxConn > 512) throw new IllegalArgumentException("HNSW M must be in [2, 512], got " + maxConn);
            if (beamWidth < 1 || beamWidth > 3200) throw new IllegalArgumentException("HNSW beam width must be in [1, 3200], got " + beamWidth);
        }
    }

    private final Path dir;
    private final int dim;
    private final FSDirectory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;

    private VectorIndex(Path dir, int dim, FSDirectory directory, IndexWriter writer, SearcherManager searchers) {
        this.dir = dir;
        this.dim = dim;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
    }

    /** Opens (or creates) the index at {@code dir} for writing and searching. */
    public static VectorIndex openWritable(Path dir, int dim, Hnsw hnsw) throws IOException {
        FSDirectory d = FSDirectory.open(dir);
        try {
            IndexWriterConfig cfg = new IndexWriterConfig()
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(256)
                    .setCodec(codec(hnsw));
            IndexWriter w = new IndexWriter(d, cfg);
            try {
                return new VectorIndex(dir, dim, d, w, new SearcherManager(w, null));
            } catch (IOException | RuntimeException e) {
                w.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Opens an existing index read-only (a service's view); {@link #refresh} picks up commits made since. */
    public static VectorIndex openReadOnly(Path dir, int dim) throws IOException {
        FSDirectory d = FSDirectory.open(dir);
        try {
            if (!DirectoryReader.indexExists(d)) throw new IOException("no index in " + dir + " (build one with: elixr index build)");
            return new VectorIndex(dir, dim, d, null, new SearcherManager(d, null));
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private static Lucene104Codec codec(Hnsw hnsw) {
        KnnVectorsFormat f = new Lucene99HnswVectorsFormat(hnsw.maxConn(), hnsw.beamWidth());
        return new Lucene104Codec() {
            @Override public KnnVectorsFormat getKnnVectorsFormatForField(String field) { return f; }
        };
    }

    public Path dir() { return dir; }

    public int dim() { return dim; }

    /** Adds (or replaces, by id) entries; visible to searches after {@link #commit}. */
    public void add(List<IndexEntry> entries) throws IOException {
        if (writer == null) throw new IllegalStateException("index " + dir + " is open read-only");
        for (IndexEntry e : entries) writer.updateDocument(new Term(ID, e.id()), document(e));
    }

    private Document document(IndexEntry e) {
        if (e.vector().length != dim)
            throw new IllegalArgumentException("index " + dir + ": vector of '" + e.id() + "' has " + e.vector().length + " values, expected " + dim);
        Document d = new Document();
        d.add(new StringField(ID, e.id(), Field.Store.YES));
        d.add(new StringField(STUDY, nz(e.studyId()), Field.Store.YES));
        d.add(new StringField(SUBJECT, nz(e.subjectId()), Field.Store.YES));
        d.add(new StringField(SPLIT, nz(e.split()), Field.Store.YES));
        d.add(new KnnFloatVectorField(VECTOR, e.vector(), VectorSimilarityFunction.DOT_PRODUCT));
        d.add(new BinaryDocValuesField(RAW, new BytesRef(toBytes(e.vector()))));
        if (e.thumbnailPng() != null) d.add(new StoredField(THUMB, e.thumbnailPng()));
        return d;
    }

    /**
     * Adds every document of other indexes of this layout (e.g. shards built in parallel) as they are, segments and
     * HNSW graphs included, then commits. Ids are not checked: the shards must hold disjoint ids.
     */
    public void addIndexes(List<Path> shards) throws IOException {
        if (writer == null) throw new IllegalStateException("index " + dir + " is open read-only");
        List<FSDirectory> dirs = new ArrayList<>();
        try {
            for (Path p : shards) dirs.add(FSDirectory.open(p));
            writer.addIndexes(dirs.toArray(FSDirectory[]::new));
        } finally {
            for (FSDirectory d : dirs) d.close();
        }
        commit();
    }

    /** Makes added entries durable and searchable (the unit of a resumable build). */
    public void commit() throws IOException {
        if (writer == null) return;
        writer.commit();
        searchers.maybeRefreshBlocking();
    }

    /**
     * Opens the commits made since the last look (by this index or, for a read-only one, by another process such as
     * {@code elixr index add}); true when the searchable entries changed. Searches already running finish on the
     * reader they started with.
     */
    public boolean refresh() throws IOException {
        IndexSearcher before = searchers.acquire();
        try {
            searchers.maybeRefreshBlocking();
            IndexSearcher after = searchers.acquire();
            try {
                return after.getIndexReader() != before.getIndexReader();
            } finally {
                searchers.release(after);
            }
        } finally {
            searchers.release(before);
        }
    }

    /** Number of searchable entries. */
    public int size() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return s.getIndexReader().numDocs();
        } finally {
            searchers.release(s);
        }
    }

    /** Lucene segments searched (each holds its own HNSW graph). */
    public int segments() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return s.getIndexReader().leaves().size();
        } finally {
            searchers.release(s);
        }
    }

    /** The ids of every searchable entry. */
    public Set<String> ids() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            Set<String> out = new HashSet<>();
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                StoredFields sf = leaf.reader().storedFields();
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++)
                    if (live == null || live.get(doc)) out.add(sf.document(doc, Set.of(ID)).get(ID));
            }
            return out;
        } finally {
            searchers.release(s);
        }
    }

    /**
     * The k entries most similar to the unit vector {@code query}: HNSW's {@code max(k, candidates)} approximate
     * neighbours (restricted to {@code split} when not null), re-ranked by exact dot product (ties: by id).
     */
    public List<SearchHit> search(float[] query, int k, int candidates, String split, boolean thumbnails) throws IOException {
        if (query.length != dim) throw new IllegalArgumentException("query has " + query.length + " values, index " + dir + " holds " + dim);
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        IndexSearcher s = searchers.acquire();
        try {
            int n = Math.max(k, candidates);
            Query filter = split == null ? null : new TermQuery(new Term(SPLIT, split));
            ScoreDoc[] top = s.search(new KnnFloatVectorQuery(VECTOR, query, n, filter), n).scoreDocs;
            double[] exact = exactScores(s, query, top);
            Integer[] order = new Integer[top.length];
            for (int i = 0; i < order.length; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Double.compare(exact[b], exact[a]));
            int m = Math.min(k, order.length);
            while (m < order.length && exact[order[m]] == exact[order[m - 1]]) m++; // ties with the k-th are decided by id
            StoredFields sf = s.storedFields();
            Set<String> fields = thumbnails ? Set.of(ID, STUDY, SUBJECT, SPLIT, THUMB) : Set.of(ID, STUDY, SUBJECT, SPLIT);
            List<SearchHit> hits = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                Document d = sf.document(top[order[i]].doc, fields);
                BytesRef thumb = d.getBinaryValue(THUMB);
                hits.add(new SearchHit(d.get(ID), d.get(STUDY), d.get(SUBJECT), d.get(SPLIT), exact[order[i]],
                        thumb == null ? null : BytesRef.deepCopyOf(thumb).bytes));
            }
            hits.sort(Comparator.comparingDouble(SearchHit::score).reversed().thenComparing(SearchHit::id));
            return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
        } finally {
            searchers.release(s);
        }
    }

    /** The exact dot products of the query with the candidates' stored vectors, visiting each segment's docs in order. */
    private double[] exactScores(IndexSearcher s, float[] query, ScoreDoc[] top) throws IOException {
        double[] out = new double[top.length];
        Integer[] byDoc = new Integer[top.length];
        for (int i = 0; i < byDoc.length; i++) byDoc[i] = i;
        Arrays.sort(byDoc, Comparator.comparingInt(i -> top[i].doc));
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        int leafIndex = -1;
        BinaryDocValues raw = null;
        LeafReaderContext leaf = null;
        for (int i : byDoc) {
            int li = ReaderUtil.subIndex(top[i].doc, leaves);
            if (li != leafIndex) {
                leafIndex = li;
                leaf = leaves.get(li);
                raw = leaf.reader().getBinaryDocValues(RAW);
            }
            int doc = top[i].doc - leaf.docBase;
            out[i] = raw != null && raw.advanceExact(doc) ? exactDot(query, raw.binaryValue()) : exactDot(query, storedRaw(leaf, doc));
        }
        return out;
    }

    /** An index built before the vectors moved to doc values holds them as a stored field. */
    private BytesRef storedRaw(LeafReaderContext leaf, int doc) throws IOException {
        BytesRef b = leaf.reader().storedFields().document(doc, Set.of(STORED_RAW)).getBinaryValue(STORED_RAW);
        if (b == null) throw new IOException("index " + dir + ": document " + (leaf.docBase + doc) + " has no stored vector");
        return b;
    }

    /** The stored vector of an id, or null. */
    public float[] vector(String id) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            TopDocs t = s.search(new TermQuery(new Term(ID, id)), 1);
            if (t.scoreDocs.length == 0) return null;
            List<LeafReaderContext> leaves = s.getIndexReader().leaves();
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(t.scoreDocs[0].doc, leaves));
            int doc = t.scoreDocs[0].doc - leaf.docBase;
            BinaryDocValues raw = leaf.reader().getBinaryDocValues(RAW);
            BytesRef b = raw != null && raw.advanceExact(doc) ? raw.binaryValue() : storedRaw(leaf, doc);
            float[] v = new float[dim];
            ByteBuffer.wrap(b.bytes, b.offset, b.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        } finally {
            searchers.release(s);
        }
    }

    static double exactDot(float[] q, BytesRef raw) {
        var fb = ByteBuffer.wrap(raw.bytes, raw.offset, raw.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        double s = 0;
        for (int i = 0; i < q.length; i++) s += (double) q[i] * fb.get(i);
        return s;
    }

    static byte[] toBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static String nz(String s) { return s == null ? "" : s; }

    @Override
    public void close() throws IOException {
        try {
            searchers.close();
            if (writer != null) writer.close();
        } finally {
            directory.close();
        }
    }
}
