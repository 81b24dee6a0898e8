package dev.elixr.spark;

import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.tasks.index.ElixrCEmbedder;
import dev.elixr.tasks.index.VectorIndex;
import dev.elixr.tasks.train.ElixrBRun;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.train.Provenance;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code elixr spark embed}: an archive's images embedded by an ELIXR-C run on a Spark cluster, written as Parquet, and
 * optionally indexed. The driver reads the listing ({@link ArchiveListing}) and cuts it into contiguous, deterministic
 * partitions; each task embeds one partition ({@link EmbedPartition}: the model loaded once per executor, images in
 * batches, unreadable ones counted and skipped) and commits {@code OUT/embeddings/part-NNNNN.parquet} atomically; with
 * an index, the same task builds its partition's Lucene shard from the vectors it holds ({@link ShardPartition}: no
 * second pass over the data) and the driver merges the shards ({@link IndexMerge}: segments copied, HNSW graphs kept).
 * Every step skips what an earlier run committed, so a rerun after a failure (or a kill) finishes the job without
 * duplicates.
 */
public final class SparkEmbedJob {
    private SparkEmbedJob() {}

    /**
     * @param partitions        null: the partitioning of an earlier run on {@code out}, else one per 512 images (at
     *                          least the default parallelism)
     * @param batch             images a task decodes before a forward pass
     * @param thumbnail         longer side of the PNG thumbnail kept per image, 0 for none
     * @param failOncePartition fault injection (tests): the first attempt of this partition dies mid-write; -1: none
     */
    public record Options(Path run, Path data, Path out, Path index, Integer partitions, int batch, int thumbnail,
                          VectorIndex.Hnsw hnsw, String commandLine, int failOncePartition) {
        public Options {
            if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
            if (thumbnail < 0 || thumbnail > 512) throw new IllegalArgumentException("--thumbnail must be in [0, 512], got " + thumbnail);
            if (partitions != null && partitions < 1) throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
        }

        public static Options of(Path run, Path data, Path out) {
            return new Options(run, data, out, null, null, 64, 96, VectorIndex.Hnsw.DEFAULT, "elixr spark embed", -1);
        }

        public Options withIndex(Path i) { return new Options(run, data, out, i, partitions, batch, thumbnail, hnsw, commandLine, failOncePartition); }
        public Options withPartitions(int p) { return new Options(run, data, out, index, p, batch, thumbnail, hnsw, commandLine, failOncePartition); }
        public Options withBatch(int b) { return new Options(run, data, out, index, partitions, b, thumbnail, hnsw, commandLine, failOncePartition); }
        public Options withFailOnce(int p) { return new Options(run, data, out, index, partitions, batch, thumbnail, hnsw, commandLine, p); }
        public Options withCommandLine(String c) { return new Options(run, data, out, index, partitions, batch, thumbnail, hnsw, c, failOncePartition); }
    }

    /**
     * embeddedNow, badNow: images embedded and skipped as unreadable by this run (Spark accumulators); rows, bad: what
     * the output holds in all (partitions committed by earlier runs included); indexed: entries of the merged index
     * (-1 without one); embedSeconds, indexSeconds: wall time of the embedding stage (shards included) and of the merge
     * (with loading the model on the driver for the index's manifest).
     */
    public record Result(int images, List<PartitionReport> partitions, long embeddedNow, long badNow, int rows, int bad,
                         int indexed, double embedSeconds, double indexSeconds, double seconds) {
        public long skippedPartitions() { return partitions.stream().filter(PartitionReport::skipped).count(); }
        public List<String> badIds() { return partitions.stream().flatMap(p -> p.badIds().stream()).toList(); }
    }

    /** Runs the job in {@code spark} (a local or cluster context the caller owns and stops). */
    public static Result run(SparkContext spark, Options o, PrintStream log) throws IOException {
        return run(spark, o, log, PhaseLog.sinceNow(log));
    }

    static Result run(SparkContext spark, Options o, PrintStream log, PhaseLog phases) throws IOException {
        long t0 = System.nanoTime();
        Path run = o.run().toAbsolutePath().normalize(), out = o.out().toAbsolutePath().normalize();
        if (Files.exists(run.resolve(ElixrBRun.CONFIG))) ExecutorModel.load(run);  // refuses ELIXR-B runs with the reason
        ElixrCConfig config = ElixrCRun.readConfig(run);
        String modelId = Provenance.sha256(run.resolve(ElixrCRun.WEIGHTS));
        var pp = config.image().preprocessing();
        phases.done("run checked (config, weights checksum)");
        var listing = ArchiveListing.read(o.data());
        phases.done("listing read (" + listing.images().size() + " images)");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark);
        JobManifest earlier = JobManifest.read(out);
        int n = listing.images().size();
        int parts = o.partitions() != null ? o.partitions()
                : earlier != null ? earlier.partitions() : Math.max(jsc.defaultParallelism(), (n + 511) / 512);
        parts = Math.min(parts, n);
        JobManifest job = new JobManifest(listing.kind(), n, listing.digest(), parts, modelId, JobManifest.preprocessingId(pp),
                pp.describe(), run.toString());
        if (earlier != null) job.requireSameJob(earlier, out);
        else job.write(out, o.commandLine());
        log.printf("elixr: %d images (%s%s) in %d partitions -> %s%n", n, listing.kind(),
                listing.duplicatesDropped() > 0 ? ", " + listing.duplicatesDropped() + " repeated ids dropped" : "", parts, out);

        phases.done("job manifest");
        String embeddings = out.resolve("embeddings").toUri().toString();
        String shards = o.index() == null ? null : out.resolve("shards").toUri().toString();
        LongAccumulator embedded = jsc.sc().longAccumulator("elixr.embedded_images"), bad = jsc.sc().longAccumulator("elixr.bad_images");
        var task = new EmbedPartition(run.toString(), embeddings, shards, config.embedDim(), o.hnsw(), modelId, job.preprocessingId(),
                o.batch(), o.thumbnail(), o.failOncePartition(), embedded, bad);
        long tEmbed = System.nanoTime();
        jsc.setJobGroup("elixr-embed", o.index() == null ? "elixr spark embed: embeddings" : "elixr spark embed: embeddings and index shards", false);
        List<PartitionReport> reports = new ArrayList<>(jsc.parallelize(listing.images(), parts).mapPartitionsWithIndex(task, true).collect());
        reports.sort(Comparator.comparingInt(PartitionReport::partition));
        PartitionCommit.cleanUp(new Configuration(), new org.apache.hadoop.fs.Path(embeddings));
        if (shards != null) PartitionCommit.cleanUp(new Configuration(), new org.apache.hadoop.fs.Path(shards));
        int rows = reports.stream().mapToInt(PartitionReport::rows).sum(), badAll = reports.stream().mapToInt(PartitionReport::bad).sum();
        double embedSeconds = (System.nanoTime() - tEmbed) / 1e9;
        phases.done((shards == null ? "embedding stage (" : "embedding and shard stage (") + parts + " tasks)");

        long tIndex = System.nanoTime();
        int indexed = -1;
        if (o.index() != null) {
            List<Path> shardDirs = IntStream.range(0, parts).mapToObj(p -> out.resolve("shards").resolve(PartitionCommit.name(p, ""))).toList();
            var embedder = ElixrCEmbedder.load(run);
            phases.done("model loaded on the driver (index.json)");
            indexed = IndexMerge.merge(o.index(), shardDirs, embedder, o.hnsw(), o.commandLine());
            phases.done("shards merged into " + o.index());
        }
        return new Result(n, List.copyOf(reports), embedded.value(), bad.value(), rows, badAll, indexed, embedSeconds,
                o.index() != null ? (System.nanoTime() - tIndex) / 1e9 : 0, (System.nanoTime() - t0) / 1e9);
    }
}
