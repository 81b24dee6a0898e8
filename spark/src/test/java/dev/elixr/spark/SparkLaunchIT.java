package dev.elixr.spark;

import dev.elixr.tasks.index.IndexManifest;
import dev.elixr.tasks.index.VectorIndex;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged job as {@code elixr spark embed} runs it: a JVM of its own started with {@code target/elixr-spark.args}
 * (the application jar, Spark's class path and JVM options), not the test class path.
 */
class SparkLaunchIT {
    @Test
    void thePackagedJarRunsLocal2AndWritesEveryImageAndAnIndex(@TempDir Path dir) throws Exception {
        TinyArchive a = TinyArchive.create(dir, 16);
        int images = ArchiveListing.read(a.data()).images().size();
        Path out = dir.resolve("out"), index = dir.resolve("index"), log = dir.resolve("log.txt");
        Path args = Path.of("target", "elixr-spark.args").toAbsolutePath();
        assertTrue(Files.isRegularFile(args), args + " (made by the package phase)");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "@" + args, SparkEmbedMain.class.getName(), "--master", "local[2]",
                "--run", a.run().toString(), "--data", a.data().toString(), "--out", out.toString(), "--index", index.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finished");
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains(images + " of " + images + " images embedded"), text);
        int rows = 0;
        try (var files = Files.list(out.resolve("embeddings"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList())
                rows += EmbeddingParquet.read(new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()).size();
        }
        assertEquals(images, rows);
        try (var idx = VectorIndex.openReadOnly(index, IndexManifest.read(index).dim())) {
            assertEquals(images, idx.size());
        }
    }
}
