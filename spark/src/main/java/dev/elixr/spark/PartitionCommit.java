package dev.elixr.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.Locale;

/**
 * Write-then-rename for one partition's output under a folder of an output directory (any Hadoop file system with an
 * atomic rename: local, NFS, HDFS): a task attempt writes {@code DIR/_temporary/NAME.attempt-K}, then renames it to
 * {@code DIR/NAME}. Readers (Spark, the shard and merge steps, a rerun) see only committed names, never a partial
 * file, since Spark ignores {@code _}-prefixed paths. A task killed mid-write leaves only its attempt file, which a
 * later attempt or the job's end removes; two attempts racing (speculation) commit identical content, and the loser's
 * rename finds the name taken and discards its copy.
 */
final class PartitionCommit {
    static final String TEMPORARY = "_temporary";

    private final FileSystem fs;
    private final Path committed, attempt;

    PartitionCommit(Configuration conf, Path dir, String name, long attemptId) throws IOException {
        fs = dir.getFileSystem(conf);
        committed = new Path(dir, name);
        attempt = new Path(new Path(dir, TEMPORARY), name + ".attempt-" + attemptId);
    }

    /** Partition file names sort by partition: part-00007 (with an extension such as ".parquet"). */
    static String name(int partition, String extension) { return String.format(Locale.ROOT, "part-%05d%s", partition, extension); }

    boolean isCommitted() throws IOException { return fs.exists(committed); }

    Path committed() { return committed; }

    /** Where this attempt writes (its parent exists; a leftover of an earlier attempt with this id is removed). */
    Path attempt() throws IOException {
        fs.mkdirs(attempt.getParent());
        fs.delete(attempt, true);
        return attempt;
    }

    /** Publishes the attempt's output under the committed name (or discards it when another attempt won). */
    void commit() throws IOException {
        if (!fs.rename(attempt, committed)) {
            if (!fs.exists(committed)) throw new IOException("cannot rename " + attempt + " to " + committed);
            fs.delete(attempt, true);
        }
    }

    /** Removes what killed attempts left under {@code dir} (called by the driver once every partition is committed). */
    static void cleanUp(Configuration conf, Path dir) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        fs.delete(new Path(dir, TEMPORARY), true);
    }
}
