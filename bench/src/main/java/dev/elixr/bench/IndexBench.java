package dev.elixr.bench;

import dev.elixr.autograd.io.Npy;
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
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code elixr bench index}: the persistent HNSW index ({@link VectorIndex}) beside exact (brute-force) search: build
 * rate (vectors per second, commit included), recall@k of HNSW + exact re-ranking against exact search, and per-query
 * latency (p50, p99) of both, for several candidate counts. The base is synthetic (low-rank, clustered, isotropic),
 * a Gaussian fitted to real embeddings ({@code like:FILE.npy}), or real embeddings themselves ({@code file:FILE.npy}).
 * Queries are drawn from the base's distribution but are not in it (for a file: rows held out of the base), or are the
 * rows of a query file (e.g. text embeddings, as {@code /v1/search} asks). Latencies follow a warm-up pass.
 */
public final class IndexBench {
    private IndexBench() {}

    /** queriesFile: null, or a .npy of query vectors [m, dim] (the first {@code queries} rows are used). */
    public record Options(int n, int dim, int queries, int k, List<Integer> candidates, String distribution, Path queriesFile,
                          VectorIndex.Hnsw hnsw, long seed) {}

    /** effectiveDim: the base's participation ratio (how many dimensions it spreads over); segments: Lucene segments searched. */
    public record Row(String distribution, int n, int dim, double effectiveDim, String queries, int segments, int candidates, double recall,
                      double minRecall, double p50Ms, double p99Ms, double exactP50Ms, double exactP99Ms, double buildPerSecond) {}

    private record Data(float[][] base, float[][] queries, String queryLabel) {}

    public static List<Row> run(Options o, PrintStream log) throws IOException {
        Data data = data(o);
        float[][] base = data.base(), queries = data.queries();
        int dim = base[0].length;
        double effectiveDim = SyntheticVectors.effectiveDimension(base);
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
        try (VectorIndex idx = VectorIndex.openWritable(dir, dim, o.hnsw())) {
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
                rows.add(new Row(o.distribution(), base.length, dim, effectiveDim, data.queryLabel(), idx.segments(), c,
                        Arrays.stream(recall).average().orElse(0), Arrays.stream(recall).min().orElse(0),
                        pct(ms, 50), pct(ms, 99), pct(exactMs, 50), pct(exactMs, 99), buildRate));
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
     * uniform directions (the last two spread over every dimension, the hardest case for any graph index); like:FILE:
     * the Gaussian with the mean and covariance of FILE's rows, normalised; file:FILE: FILE's rows.
     */
    private static Data data(Options o) throws IOException {
        String d = o.distribution();
        float[][] queriesFromFile = o.queriesFile() == null ? null : Arrays.copyOf(rows(o.queriesFile()), o.queries());
        String fileLabel = o.queriesFile() == null ? null : "rows of " + o.queriesFile().getFileName();
        if (queriesFromFile != null && Arrays.asList(queriesFromFile).contains(null))
            throw new IllegalArgumentException(o.queriesFile() + " has fewer than --queries " + o.queries() + " rows");
        if (d.startsWith("file:")) {
            float[][] all = rows(Path.of(d.substring(5)));
            if (queriesFromFile != null) return new Data(all, queriesFromFile, fileLabel);
            if (all.length <= o.queries()) throw new IllegalArgumentException(d + " has " + all.length + " rows, not more than --queries " + o.queries());
            int[] perm = permutation(all.length, o.seed());
            float[][] q = new float[o.queries()][], b = new float[all.length - o.queries()][];
            for (int i = 0; i < all.length; i++) if (i < q.length) q[i] = all[perm[i]]; else b[i - q.length] = all[perm[i]];
            return new Data(b, q, "held-out rows");
        }
        float[][] sample = d.startsWith("like:") ? rows(Path.of(d.substring(5))) : null;
        float[][] base = synthetic(d, sample, o.n(), o.dim(), o.seed());
        return new Data(base, queriesFromFile != null ? queriesFromFile : synthetic(d, sample, o.queries(), o.dim(), o.seed() + 7_919),
                queriesFromFile != null ? fileLabel : "same distribution");
    }

    private static float[][] synthetic(String d, float[][] sample, int n, int dim, long seed) {
        if (sample != null) return SyntheticVectors.matching(sample, n, seed);
        return switch (d) {
            case "clustered" -> SyntheticVectors.clustered(n, dim, 100, 0.8, seed);
            case "isotropic" -> SyntheticVectors.isotropic(n, dim, seed);
            case "low-rank" -> SyntheticVectors.lowRank(n, dim, 16, 100, 0.05, seed);
            default -> throw new IllegalArgumentException("--distribution " + d + ": expected low-rank, clustered, isotropic, like:FILE.npy or file:FILE.npy");
        };
    }

    /** The rows of a float [n, dim] .npy (as elixr embed writes). */
    static float[][] rows(Path npy) throws IOException {
        Npy.Array a = Npy.readArray(npy);
        if (a.shape().length != 2) throw new IllegalArgumentException(npy + ": expected a [n, dim] array, got shape " + Arrays.toString(a.shape()));
        int n = a.shape()[0], dim = a.shape()[1];
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) for (int j = 0; j < dim; j++) out[i][j] = (float) a.values()[i * dim + j];
        return out;
    }

    private static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static double pct(double[] xs, double p) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
