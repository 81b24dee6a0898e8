package dev.elixr.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one task did with its partition: the attempt that finished it (0 unless Spark retried it), whether it found
 * the partition committed already and skipped it, images written, unreadable images skipped (with their ids), and
 * the task's seconds.
 */
public record PartitionReport(int partition, int attempt, boolean skipped, int rows, List<String> badIds, double seconds) implements Serializable {
    public PartitionReport {
        badIds = List.copyOf(badIds);
    }

    public int bad() { return badIds.size(); }

    private static final String ROWS = "elixr.rows", BAD = "elixr.bad_ids", ATTEMPT = "elixr.attempt", SECONDS = "elixr.seconds";

    /** The counts as Parquet footer metadata (ids of unreadable images separated by newlines). */
    Map<String, String> footer() {
        Map<String, String> m = new HashMap<>();
        m.put(ROWS, Integer.toString(rows));
        m.put(BAD, String.join("\n", badIds));
        m.put(ATTEMPT, Integer.toString(attempt));
        m.put(SECONDS, Double.toString(seconds));
        return m;
    }

    /** The report of a committed partition, read back from its footer, marked as skipped by this run. */
    static PartitionReport skippedFrom(int partition, Map<String, String> footer) {
        String bad = footer.getOrDefault(BAD, "");
        return new PartitionReport(partition, Integer.parseInt(footer.getOrDefault(ATTEMPT, "0")), true,
                Integer.parseInt(footer.getOrDefault(ROWS, "0")), bad.isEmpty() ? List.of() : List.of(bad.split("\n")),
                Double.parseDouble(footer.getOrDefault(SECONDS, "0")));
    }
}
