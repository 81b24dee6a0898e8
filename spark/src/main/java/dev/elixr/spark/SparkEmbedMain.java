package dev.elixr.spark;

import dev.elixr.tasks.index.VectorIndex;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Spark job's entry point: {@code elixr spark embed} runs it in a JVM of its own with Spark on the class path,
 * and {@code spark-submit --class dev.elixr.spark.SparkEmbedMain elixr-spark.jar …} on a cluster. Local masters get
 * task retries ({@code local[N]} becomes {@code local[N,F]}, F = {@code --max-failures}), the driver binds to
 * 127.0.0.1 and the web UI is off; on a cluster, the master and resources come from spark-submit.
 */
@Command(name = "elixr spark embed", mixinStandardHelpOptions = true,
        description = "Embed an archive's images with an ELIXR-C run on Spark: OUT/embeddings/part-NNNNN.parquet (ids, study metadata, "
                + "embedding, model_id, preprocessing_id, thumbnail), one file per partition committed atomically; with --index, "
                + "Lucene shards per partition merged into one index that elixr serve --index and elixr index search open. "
                + "Rerun on the same OUT after a failure: committed partitions are skipped.")
public final class SparkEmbedMain implements Callable<Integer> {
    @Option(names = "--master", description = "Spark master, e.g. local[2] (default: spark-submit's, else local[*])") String master;
    @Option(names = "--run", required = true, description = "trained ELIXR-C run directory (readable on every executor)") Path run;
    @Option(names = "--data", required = true, description = "a MIMIC-CXR-JPG folder, a folder of .dcm/.jpg/.png files, or a .csv/.parquet listing with a 'path' column") Path data;
    @Option(names = "--out", required = true, description = "output directory (on a file system every executor mounts)") Path out;
    @Option(names = "--index", description = "also build a Lucene HNSW index here (from per-partition shards)") Path index;
    @Option(names = "--partitions", description = "number of partitions (default: that of an earlier run on OUT, else one per 512 images, at least the cores)") Integer partitions;
    @Option(names = "--batch", defaultValue = "64", description = "images a task decodes per forward pass (default ${DEFAULT-VALUE})") int batch;
    @Option(names = "--thumbnail", defaultValue = "96", description = "longer side of the PNG thumbnail kept per image, 0 for none (default ${DEFAULT-VALUE})") int thumbnail;
    @Option(names = "--m", defaultValue = "32", description = "HNSW max connections per node (default ${DEFAULT-VALUE})") int m;
    @Option(names = "--beam-width", defaultValue = "200", description = "HNSW beam width while building (default ${DEFAULT-VALUE})") int beam;
    @Option(names = "--max-failures", defaultValue = "4", description = "attempts per task in local mode (default ${DEFAULT-VALUE}); on a cluster: spark.task.maxFailures") int maxFailures;

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)])?");

    /** {@code local} and {@code local[N]} with F attempts per task (plain local mode never retries); others unchanged. */
    static String withRetries(String master, int maxFailures) {
        Matcher mt = LOCAL.matcher(master);
        if (!mt.matches()) return master;
        return "local[" + (mt.group(1) == null ? "1" : mt.group(1)) + "," + maxFailures + "]";
    }

    /**
     * The job's Spark configuration: spark-submit's (system properties), with {@code master} when given. In local mode
     * the driver binds to 127.0.0.1 and the web UI is off. The job needs a SparkContext only (no SparkSession: it
     * neither queries nor shuffles), which spares start-up the SQL engine's classes and Scala reflection.
     */
    static SparkConf conf(String master, int maxFailures) {
        SparkConf conf = new SparkConf(true).setAppName("elixr spark embed");
        if (master != null) conf.setMaster(withRetries(master, maxFailures));
        else if (!conf.contains("spark.master")) conf.setMaster(withRetries("local[*]", maxFailures));
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1").setIfMissing("spark.driver.host", "127.0.0.1")
                    .setIfMissing("spark.ui.enabled", "false");
        }
        return conf;
    }

    @Override
    public Integer call() throws Exception {
        boolean own = given == null;  // a caller's context is used, and left running
        PhaseLog phases = own ? PhaseLog.sinceJvmStart(System.err) : PhaseLog.sinceNow(System.err);
        phases.done(own ? "JVM start to main (class loading, options)" : "options");
        SparkContext spark = own ? new SparkContext(conf(master, maxFailures)) : given;
        phases.done("Spark context");
        try {
            int failOnce = Integer.parseInt(spark.getConf().get("spark.elixr.test.failOncePartition", "-1"));
            var o = new SparkEmbedJob.Options(run, data, out, index, partitions, batch, thumbnail, new VectorIndex.Hnsw(m, beam),
                    "elixr spark embed " + String.join(" ", args), failOnce);
            var r = SparkEmbedJob.run(spark, o, System.err, phases);
            System.out.printf("%s: %d of %d images embedded (%d now, %d partitions of %d skipped as done), %d unreadable skipped%s in %.1f s%n",
                    out, r.rows(), r.images(), r.embeddedNow(), r.skippedPartitions(), r.partitions().size(), r.bad(),
                    r.indexed() >= 0 ? "; index " + index + ": " + r.indexed() + " entries" : "", r.seconds());
            if (!r.badIds().isEmpty()) System.out.println("unreadable: " + String.join(", ", r.badIds()));
            double taskSeconds = r.partitions().stream().filter(p -> !p.skipped()).mapToDouble(PartitionReport::seconds).sum();
            if (r.embeddedNow() > 0)
                System.out.printf("embedding stage %.1f s (%.1f images/s); task time %.1f s, %.2f images per task-second; index stage %.1f s%n",
                        r.embedSeconds(), r.embeddedNow() / r.embedSeconds(), taskSeconds, r.embeddedNow() / taskSeconds, r.indexSeconds());
            return 0;
        } finally {
            if (own) {
                spark.stop();
                phases.done("Spark context stopped");
            }
        }
    }

    private String[] args = new String[0];
    private SparkContext given;

    /** Runs the command in a SparkContext of its own, stopped at the end. */
    public static int execute(String... args) {
        return execute(null, args);
    }

    /** Runs the command in {@code context} (null: one of its own), which it leaves running. */
    public static int execute(SparkContext context, String... args) {
        SparkEmbedMain main = new SparkEmbedMain();
        main.args = args;
        main.given = context;
        return new CommandLine(main).execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
