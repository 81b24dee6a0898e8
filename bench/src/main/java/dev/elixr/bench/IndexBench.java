package dev.elixr.bench;

import dev.elixr.tasks.index.ExactSearch;
import dev.elixr.tasks.index.IndexEntry;
import dev.elixr.tasks.index.SearchHit;
import dev.elixr.tasks.index.SyntheticVectors;
import dev.elixr.tasks.index.VectorIndex;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code elixr bench index}: the persistent HNSW index ({@link VectorIndex}) on synthetic unit vectors beside exact
 * (brute-force) search: build rate (vectors per second, commit included), recall@k of HNSW + exact re-ranking against
 * exact search, and per-query latency (p50, p99) of both, for several candidate counts. Queries are drawn from the
 * same distribution as the base but are not in it. Latencies follow a warm-up pass over the queries.
 */
public final class IndexBench {
    private IndexBench() {}

    public record Options(int n, int dim, int queries, int k, List<Integer> candidates, String distribution, VectorIndex.Hnsw hnsw, long seed) {}

    public record Row(String distribution, int n, int dim, int candidates, double recall, double minRecall,
                      double p50Ms, double p99Ms, double exactP50Ms, double exactP99Ms, double buildPerSecond) {}

    public static List<Row> run(Options o, PrintStream log) throws IOException {
        float[][] base = vectors(o, o.n(), o.seed());
        float[][] queries = vectors(o, o.queries(), o.seed() + 7_919);
        int[][] exact = new int[queries.length][];
        double[] exactMs = new double[queries.length];
        for (int pass = 0; pass < 2; pass++)
            for (int q = 0; q < queries.length; q++) {
                long t0 = System.nanoTime();
                exact[q] = ExactSearch.topK(base, queries[q], o.k());
                exactMs[q] = (System.nanoTime() - t0) * 1e-6;
            }
        Path dir = Files.createTempDirectory("elixr-index-bench");
        List<Row> rows = new ArrayList<>();
        try (VectorIndex idx = VectorIndex.openWritable(dir, o.dim(), o.hnsw())) {
            long t0 = System.nanoTime();
            List<IndexEntry> batch = new ArrayList<>();
            for (int i = 0; i < base.length; i++) {
                batch.add(new IndexEntry(Integer.toString(i), "", "", "", base[i], null));
                if (batch.size() == 10_000 || i == base.length - 1) {
                    idx.add(batch);
                    batch.clear();
                    log.printf("bench index: %d/%d vectors added%n", i + 1, base.length);
                }
            }
            idx.commit();
            double buildRate = base.length / ((System.nanoTime() - t0) * 1e-9);
            for (int c : o.candidates()) {
                double[] ms = new double[queries.length], recall = new double[queries.length];
                for (int pass = 0; pass < 2; pass++)
                    for (int q = 0; q < queries.length; q++) {
                        long s = System.nanoTime();
                        List<SearchHit> hits = idx.search(queries[q], o.k(), c, null, false);
                        ms[q] = (System.nanoTime() - s) * 1e-6;
                        recall[q] = ExactSearch.recall(exact[q], hits.stream().mapToInt(h -> Integer.parseInt(h.id())).toArray());
                    }
                rows.add(new Row(o.distribution(), o.n(), o.dim(), c, Arrays.stream(recall).average().orElse(0),
                        Arrays.stream(recall).min().orElse(0), pct(ms, 50), pct(ms, 99), pct(exactMs, 50), pct(exactMs, 99), buildRate));
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        return rows;
    }

    /**
     * low-rank: 100 clusters in a 16-dimensional latent space mapped to the width, plus noise 0.05 per coordinate (learned
     * embeddings have few effective dimensions); clustered: 100 clusters with full-rank noise of norm 0.8; isotropic:
     * uniform directions. The last two have intrinsic dimension = width, the hardest case for any graph index.
     */
    private static float[][] vectors(Options o, int n, long seed) {
        return switch (o.distribution()) {
            case "clustered" -> SyntheticVectors.clustered(n, o.dim(), 100, 0.8, seed);
            case "isotropic" -> SyntheticVectors.isotropic(n, o.dim(), seed);
            case "low-rank" -> SyntheticVectors.lowRank(n, o.dim(), 16, 100, 0.05, seed);
            default -> throw new IllegalArgumentException("--distribution " + o.distribution() + ": expected low-rank, clustered or isotropic");
        };
    }

    static double pct(double[] xs, double p) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
