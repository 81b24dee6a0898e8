package dev.elixr.spark;

import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.ImagePipeline;
import dev.elixr.tasks.index.IndexBuilder;
import dev.elixr.tasks.index.VectorIndex;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.util.LongAccumulator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The task of one partition: skip it if its Parquet file (and, with an index, its shard) is committed already; else
 * decode and preprocess its images with the run's own {@link ImagePipeline} (stages 1-2; an unreadable image is
 * logged, counted in the {@code bad} accumulator and left out), embed them in batches with the executor's
 * {@link ExecutorModel}, write and commit {@code OUT/embeddings/part-NNNNN.parquet} ({@link PartitionCommit}), then,
 * with an index, build and commit its Lucene shard from the vectors in memory ({@link ShardPartition}). A partition
 * whose Parquet file an earlier run committed without its shard gets the shard from that file. Returns the
 * partition's {@link PartitionReport}.
 */
final class EmbedPartition implements Function2<Integer, Iterator<ArchiveImage>, Iterator<PartitionReport>> {
    private final String runDir, embeddingsDir, shardsDir, modelId, preprocessingId;
    private final int batch, thumbnail, failOncePartition, dim, maxConn, beamWidth;
    private final LongAccumulator embedded, bad;

    /**
     * @param shardsDir         where the index shards go, null for none
     * @param failOncePartition fault injection for tests: the first attempt of this partition fails after writing
     *                          part of its file, as a task killed mid-write would (-1: never)
     */
    EmbedPartition(String runDir, String embeddingsDir, String shardsDir, int dim, VectorIndex.Hnsw hnsw, String modelId,
                   String preprocessingId, int batch, int thumbnail, int failOncePartition, LongAccumulator embedded, LongAccumulator bad) {
        this.runDir = runDir;
        this.embeddingsDir = embeddingsDir;
        this.shardsDir = shardsDir;
        this.dim = dim;
        this.maxConn = hnsw.maxConn();
        this.beamWidth = hnsw.beamWidth();
        this.modelId = modelId;
        this.preprocessingId = preprocessingId;
        this.batch = batch;
        this.thumbnail = thumbnail;
        this.failOncePartition = failOncePartition;
        this.embedded = embedded;
        this.bad = bad;
    }

    @Override
    public Iterator<PartitionReport> call(Integer partition, Iterator<ArchiveImage> images) throws IOException {
        long t0 = System.nanoTime();
        TaskContext task = TaskContext.get();
        int attemptNumber = task == null ? 0 : task.attemptNumber();
        Configuration conf = new Configuration();
        long attemptId = task == null ? 0 : task.taskAttemptId();
        var commit = new PartitionCommit(conf, new Path(embeddingsDir), PartitionCommit.name(partition, ".parquet"), attemptId);
        var shard = shardsDir == null ? null : new PartitionCommit(conf, new Path(shardsDir), PartitionCommit.name(partition, ""), attemptId);
        if (commit.isCommitted()) {
            if (shard != null && !shard.isCommitted())
                ShardPartition.build(EmbeddingParquet.read(commit.committed(), conf), dim, hnsw(), shard, conf);
            return List.of(PartitionReport.skippedFrom(partition, EmbeddingParquet.footer(commit.committed(), conf))).iterator();
        }

        ExecutorModel model = ExecutorModel.of(runDir);
        List<EmbeddingParquet.Row> rows = new ArrayList<>();
        List<String> badIds = new ArrayList<>();
        List<ArchiveImage> chunk = new ArrayList<>(batch);
        while (images.hasNext()) {
            chunk.add(images.next());
            if (chunk.size() == batch || !images.hasNext()) {
                embedChunk(model, chunk, rows, badIds);
                chunk.clear();
            }
        }
        var report = new PartitionReport(partition, attemptNumber, false, rows.size(), badIds, (System.nanoTime() - t0) / 1e9);
        try (var w = new EmbeddingParquet.Writer(commit.attempt(), conf, modelId, preprocessingId, report.footer())) {
            for (int i = 0; i < rows.size(); i++) {
                w.write(rows.get(i));
                if (i == rows.size() / 2 && partition == failOncePartition && attemptNumber == 0)
                    throw new IllegalStateException("fault injected (spark.elixr.test.failOncePartition=" + partition
                            + "): the first attempt of partition " + partition + " dies mid-write after " + (i + 1) + " rows");
            }
        }
        commit.commit();
        if (shard != null) ShardPartition.build(rows, dim, hnsw(), shard, conf);
        embedded.add(rows.size());
        bad.add(badIds.size());
        return List.of(report).iterator();
    }

    private VectorIndex.Hnsw hnsw() { return new VectorIndex.Hnsw(maxConn, beamWidth); }

    private void embedChunk(ExecutorModel model, List<ArchiveImage> chunk, List<EmbeddingParquet.Row> rows, List<String> badIds) throws IOException {
        ImagePipeline pipeline = model.pipeline();
        List<ArchiveImage> ok = new ArrayList<>();
        List<float[]> prepared = new ArrayList<>();
        List<byte[]> thumbs = new ArrayList<>();
        for (ArchiveImage a : chunk) {
            GreyImage g;
            try {
                g = ArchiveDecoder.read(java.nio.file.Path.of(a.path()), pipeline.preprocessing().decode());
                prepared.add(pipeline.preprocessing().prepare(g.pixels(), g.width(), g.height()));
            } catch (IOException | RuntimeException e) {
                System.err.println("elixr: skipping unreadable image " + a.id() + " (" + a.path() + "): " + e.getMessage());
                badIds.add(a.id());
                continue;
            }
            ok.add(a);
            thumbs.add(IndexBuilder.thumbnail(g, thumbnail));
        }
        if (ok.isEmpty()) return;
        float[][] v = model.embed(prepared.toArray(float[][]::new));
        for (int i = 0; i < ok.size(); i++) rows.add(new EmbeddingParquet.Row(ok.get(i), v[i], thumbs.get(i)));
    }
}
