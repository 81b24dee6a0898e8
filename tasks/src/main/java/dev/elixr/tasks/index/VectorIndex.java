package dev.elixr.tasks.index;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.Field;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A persistent approximate nearest-neighbour index of unit vectors on Lucene's HNSW graph (Malkov and Yashunin, 2018):
 * one document per image with a {@link KnnFloatVectorField} (dot product, which on L2-normalised vectors is the
 * cosine), its ids and split as stored keyword fields, the vector again as stored float32 bytes, and an optional
 * thumbnail. A search asks HNSW for {@code candidates} neighbours (oversampling, at least k) and re-ranks them by the
 * exact dot product in double precision. Documents are keyed by id: adding an id again replaces it, so a resumed
 * build never duplicates. Writes are visible to {@link #search} after {@link #commit}.
 */
public final class VectorIndex implements Closeable {
    static final String ID = "id", STUDY = "study_id", SUBJECT = "subject_id", SPLIT = "split", VECTOR = "vector",
            RAW = "vector_f32", THUMB = "thumbnail";

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
    private DirectoryReader reader;
    private IndexSearcher searcher;

    private VectorIndex(Path dir, int dim, FSDirectory directory, IndexWriter writer, DirectoryReader reader) {
        this.dir = dir;
        this.dim = dim;
        this.directory = directory;
        this.writer = writer;
        setReader(reader);
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
            return new VectorIndex(dir, dim, d, w, DirectoryReader.open(w));
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Opens an existing index read-only (a service's view). */
    public static VectorIndex openReadOnly(Path dir, int dim) throws IOException {
        FSDirectory d = FSDirectory.open(dir);
        try {
            if (!DirectoryReader.indexExists(d)) throw new IOException("no index in " + dir + " (build one with: elixr index build)");
            return new VectorIndex(dir, dim, d, null, DirectoryReader.open(d));
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

    private void setReader(DirectoryReader r) {
        reader = r;
        searcher = new IndexSearcher(r);
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
        d.add(new StoredField(RAW, toBytes(e.vector())));
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
        DirectoryReader fresh = DirectoryReader.openIfChanged(reader, writer);
        if (fresh != null) {
            reader.close();
            setReader(fresh);
        }
    }

    /** Number of searchable entries. */
    public int size() { return reader.numDocs(); }

    /** The ids of every searchable entry. */
    public Set<String> ids() throws IOException {
        Set<String> out = new HashSet<>();
        for (LeafReaderContext leaf : reader.leaves()) {
            Bits live = leaf.reader().getLiveDocs();
            StoredFields sf = leaf.reader().storedFields();
            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++)
                if (live == null || live.get(doc)) out.add(sf.document(doc, Set.of(ID)).get(ID));
        }
        return out;
    }

    /**
     * The k entries most similar to the unit vector {@code query}: HNSW's {@code max(k, candidates)} approximate
     * neighbours (restricted to {@code split} when not null), re-ranked by exact dot product.
     */
    public List<SearchHit> search(float[] query, int k, int candidates, String split, boolean thumbnails) throws IOException {
        if (query.length != dim) throw new IllegalArgumentException("query has " + query.length + " values, index " + dir + " holds " + dim);
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        IndexSearcher s = searcher;
        Query filter = split == null ? null : new TermQuery(new Term(SPLIT, split));
        TopDocs top = s.search(new KnnFloatVectorQuery(VECTOR, query, Math.max(k, candidates), filter), Math.max(k, candidates));
        StoredFields sf = s.storedFields();
        List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
        Set<String> fields = thumbnails ? Set.of(ID, STUDY, SUBJECT, SPLIT, RAW, THUMB) : Set.of(ID, STUDY, SUBJECT, SPLIT, RAW);
        for (ScoreDoc sd : top.scoreDocs) {
            Document d = sf.document(sd.doc, fields);
            BytesRef thumb = d.getBinaryValue(THUMB);
            hits.add(new SearchHit(d.get(ID), d.get(STUDY), d.get(SUBJECT), d.get(SPLIT),
                    exactDot(query, d.getBinaryValue(RAW)), thumb == null ? null : BytesRef.deepCopyOf(thumb).bytes));
        }
        hits.sort(Comparator.comparingDouble(SearchHit::score).reversed().thenComparing(SearchHit::id));
        return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
    }

    /** The stored vector of an id, or null. */
    public float[] vector(String id) throws IOException {
        TopDocs t = searcher.search(new TermQuery(new Term(ID, id)), 1);
        if (t.scoreDocs.length == 0) return null;
        BytesRef b = searcher.storedFields().document(t.scoreDocs[0].doc, Set.of(RAW)).getBinaryValue(RAW);
        float[] v = new float[dim];
        ByteBuffer.wrap(b.bytes, b.offset, b.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
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
            reader.close();
            if (writer != null) writer.close();
        } finally {
            directory.close();
        }
    }
}
