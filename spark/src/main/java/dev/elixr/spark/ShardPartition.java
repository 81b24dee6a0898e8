package dev.elixr.spark;

import dev.elixr.tasks.index.IndexEntry;
import dev.elixr.tasks.index.VectorIndex;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The index task of one partition: reads its committed {@code OUT/embeddings/part-NNNNN.parquet}, builds a Lucene
 * HNSW shard of {@link VectorIndex}'s layout from it in a local temporary folder, and commits it as
 * {@code OUT/shards/part-NNNNN} ({@link PartitionCommit}); a committed shard is skipped. Returns the shard's size.
 */
final class ShardPartition implements Function2<Integer, Iterator<Integer>, Iterator<Integer>> {
    private final String embeddingsDir, shardsDir;
    private final int dim, maxConn, beamWidth;

    ShardPartition(String embeddingsDir, String shardsDir, int dim, VectorIndex.Hnsw hnsw) {
        this.embeddingsDir = embeddingsDir;
        this.shardsDir = shardsDir;
        this.dim = dim;
        this.maxConn = hnsw.maxConn();
        this.beamWidth = hnsw.beamWidth();
    }

    @Override
    public Iterator<Integer> call(Integer slice, Iterator<Integer> partitions) throws IOException {
        Configuration conf = new Configuration();
        TaskContext task = TaskContext.get();
        List<Integer> sizes = new ArrayList<>();
        while (partitions.hasNext()) {
            int p = partitions.next();
            var commit = new PartitionCommit(conf, new Path(shardsDir), PartitionCommit.name(p, ""), task == null ? 0 : task.taskAttemptId());
            if (commit.isCommitted()) continue;
            List<EmbeddingParquet.Row> rows = EmbeddingParquet.read(new Path(embeddingsDir, PartitionCommit.name(p, ".parquet")), conf);
            java.nio.file.Path local = Files.createTempDirectory("elixr-shard-" + p + "-");
            try {
                try (VectorIndex vi = VectorIndex.openWritable(local, dim, new VectorIndex.Hnsw(maxConn, beamWidth))) {
                    List<IndexEntry> entries = new ArrayList<>(rows.size());
                    for (EmbeddingParquet.Row r : rows) {
                        var a = r.image();
                        entries.add(new IndexEntry(a.id(), a.studyId(), a.subjectId(), a.split(), r.embedding(), r.thumbnailPng()));
                    }
                    vi.add(entries);
                    vi.commit();
                }
                FileSystem fs = new Path(shardsDir).getFileSystem(conf);
                fs.copyFromLocalFile(false, true, new Path(local.toUri()), commit.attempt());
                commit.commit();
                sizes.add(rows.size());
            } finally {
                deleteTree(local);
            }
        }
        return sizes.iterator();
    }

    static void deleteTree(java.nio.file.Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
            for (java.nio.file.Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
