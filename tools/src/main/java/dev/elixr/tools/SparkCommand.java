package dev.elixr.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code elixr spark embed}: the archive job of the {@code spark} module, started in a JVM of its own with the JVM
 * options and class path its build wrote to {@code spark/target/elixr-spark.args}, so that Spark is never on the class
 * path of this CLI (nor loaded by {@code elixr demo} or any other command).
 */
@Command(name = "spark", description = "Archive-scale jobs on Apache Spark, in a JVM of their own (Spark stays off the class path of every other command).",
        subcommands = {SparkCommand.Embed.class})
final class SparkCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    static final String MAIN = "dev.elixr.spark.SparkEmbedMain";

    @Command(name = "embed", mixinStandardHelpOptions = true,
            description = "Embed an archive's images with an ELIXR-C run on Spark: OUT/embeddings/part-NNNNN.parquet (ids, study metadata, "
                    + "embedding, model_id, preprocessing_id, thumbnail), one file per partition committed atomically; with --index, "
                    + "Lucene shards per partition merged into one index that elixr serve --index and elixr index search open. "
                    + "Rerun on the same OUT after a failure: committed partitions are skipped. On a cluster: spark-submit, see the README.")
    static final class Embed implements Callable<Integer> {
        @Option(names = "--master", description = "Spark master (default local[*]); local[N] retries a failed task (local[N,F], F = --max-failures)") String master;
        @Option(names = "--run", required = true, description = "trained ELIXR-C run directory") Path run;
        @Option(names = "--data", required = true, description = "a MIMIC-CXR-JPG folder, a folder of .dcm/.jpg/.png files, or a .csv/.parquet listing with a 'path' column") Path data;
        @Option(names = "--out", required = true, description = "output directory") Path out;
        @Option(names = "--index", description = "also build a Lucene HNSW index here (from per-partition shards)") Path index;
        @Option(names = "--partitions", description = "number of partitions (default: that of an earlier run on OUT, else one per 512 images, at least the cores)") Integer partitions;
        @Option(names = "--batch", description = "images a task decodes per forward pass (default 64)") Integer batch;
        @Option(names = "--thumbnail", description = "longer side of the PNG thumbnail kept per image, 0 for none (default 96)") Integer thumbnail;
        @Option(names = "--m", description = "HNSW max connections per node (default 32)") Integer m;
        @Option(names = "--beam-width", description = "HNSW beam width while building (default 200)") Integer beam;
        @Option(names = "--max-failures", description = "attempts per task in local mode (default 4)") Integer maxFailures;

        @Override
        public Integer call() throws Exception {
            List<String> cmd = command(argsFile(), System.getenv("ELIXR_JAVA_OPTS"));
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            if (master == null || master.startsWith("local")) pb.environment().putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
            Process p = pb.start();
            return p.waitFor();
        }

        /** The job's own arguments: this command's options, as given. */
        List<String> forwarded() {
            List<String> a = new ArrayList<>();
            add(a, "--master", master);
            add(a, "--run", run);
            add(a, "--data", data);
            add(a, "--out", out);
            add(a, "--index", index);
            add(a, "--partitions", partitions);
            add(a, "--batch", batch);
            add(a, "--thumbnail", thumbnail);
            add(a, "--m", m);
            add(a, "--beam-width", beam);
            add(a, "--max-failures", maxFailures);
            return a;
        }

        private static void add(List<String> a, String name, Object v) {
            if (v != null) { a.add(name); a.add(v.toString()); }
        }

        /** java [ELIXR_JAVA_OPTS] @elixr-spark.args dev.elixr.spark.SparkEmbedMain OPTIONS. */
        List<String> command(Path argsFile, String javaOpts) {
            List<String> c = new ArrayList<>();
            c.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            if (javaOpts != null && !javaOpts.isBlank()) c.addAll(Arrays.asList(javaOpts.trim().split("\\s+")));
            c.add("@" + argsFile);
            c.add(MAIN);
            c.addAll(forwarded());
            return c;
        }
    }

    /**
     * spark/target/elixr-spark.args of this checkout: under {@code -Delixr.home} (the launcher sets it), else beside the
     * folder of this CLI's jar (tools/target/elixr.jar).
     */
    static Path argsFile() throws IOException {
        Path home;
        String h = System.getProperty("elixr.home");
        if (h != null) home = Path.of(h);
        else {
            try {
                home = Path.of(SparkCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent().getParent().getParent();
            } catch (URISyntaxException | NullPointerException e) {
                throw new IOException("cannot tell where this CLI was installed; set -Delixr.home to the elixr-java checkout", e);
            }
        }
        Path f = home.resolve("spark").resolve("target").resolve("elixr-spark.args");
        if (!Files.isRegularFile(f))
            throw new IOException("the Spark job is not built (no " + f + "): run ./elixr spark … (it builds it), or ./mvnw -B -DskipTests package -pl spark -am");
        return f;
    }
}
