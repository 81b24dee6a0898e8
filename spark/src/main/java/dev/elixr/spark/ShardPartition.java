package dev.elixr.spark;

import dev.elixr.tasks.index.IndexEntry;
import dev.elixr.tasks.index.VectorIndex;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One partition's Lucene HNSW shard of {@link VectorIndex}'s layout, built by the task that embedded the partition
 * from the rows it holds in memory (or, when only the embeddings were committed, from its Parquet file) and committed
 * as {@code OUT/shards/part-NNNNN} ({@link PartitionCommit}). On a local or mounted output the shard is written in
 * place (its attempt folder); on another file system (HDFS) in a local temporary folder, then copied.
 */
final class ShardPartition {
    private ShardPartition() {}

    static void build(List<EmbeddingParquet.Row> rows, int dim, VectorIndex.Hnsw hnsw, PartitionCommit commit, Configuration conf) throws IOException {
        Path attempt = commit.attempt();
        FileSystem fs = attempt.getFileSystem(conf);
        boolean local = fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem;
        java.nio.file.Path dir = local ? java.nio.file.Path.of(attempt.toUri()) : Files.createTempDirectory("elixr-shard-");
        try {
            try (VectorIndex vi = VectorIndex.openWritable(dir, dim, hnsw)) {
                List<IndexEntry> entries = new ArrayList<>(rows.size());
                for (EmbeddingParquet.Row r : rows) {
                    var a = r.image();
                    entries.add(new IndexEntry(a.id(), a.studyId(), a.subjectId(), a.split(), r.embedding(), r.thumbnailPng()));
                }
                vi.add(entries);
                vi.commit();
            }
            if (!local) fs.copyFromLocalFile(false, true, new Path(dir.toUri()), attempt);
        } finally {
            if (!local) deleteTree(dir);
        }
        commit.commit();
    }

    static void deleteTree(java.nio.file.Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
            for (java.nio.file.Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
