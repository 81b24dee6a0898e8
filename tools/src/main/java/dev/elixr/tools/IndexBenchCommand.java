package dev.elixr.tools;

import dev.elixr.bench.IndexBench;
import dev.elixr.tasks.index.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code elixr bench index}: HNSW recall, latency and build rate beside exact search (logic in bench). */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Recall@k of the HNSW index (with exact re-ranking) against exact search, query latency of both, and build rate, "
                + "on synthetic unit vectors, on a Gaussian fitted to real embeddings (like:FILE.npy), or on real embeddings (file:FILE.npy; elixr embed writes them).")
final class IndexBenchCommand implements Callable<Integer> {
    @Option(names = "--n", defaultValue = "100000", description = "vectors in the index (default ${DEFAULT-VALUE}; file: uses the file's rows)") int n;
    @Option(names = "--dim", defaultValue = "128", description = "vector width of synthetic vectors (default ${DEFAULT-VALUE}, the ELIXR-C embedding width)") int dim;
    @Option(names = "--queries", defaultValue = "200", description = "queries (default ${DEFAULT-VALUE})") int queries;
    @Option(names = "--queries-file", description = "a .npy whose first --queries rows are the queries (e.g. text embeddings: elixr embed --kind text)") Path queriesFile;
    @Option(names = "--k", defaultValue = "10", description = "neighbours per query (default ${DEFAULT-VALUE})") int k;
    @Option(names = "--candidates", split = ",", defaultValue = "10,50,100,200", description = "HNSW candidates re-ranked exactly (default ${DEFAULT-VALUE})") List<Integer> candidates;
    @Option(names = "--distribution", split = ",", defaultValue = "low-rank,clustered,isotropic",
            description = "low-rank (16-d latent clusters mapped to the width), clustered (100 clusters, full-rank noise), isotropic, "
                    + "like:FILE.npy (Gaussian with the mean and covariance of FILE's rows, normalised) and/or file:FILE.npy (default ${DEFAULT-VALUE})") List<String> distributions;
    @Option(names = "--m", defaultValue = "32", description = "HNSW M (default ${DEFAULT-VALUE})") int m;
    @Option(names = "--beam-width", defaultValue = "200", description = "HNSW beam width (default ${DEFAULT-VALUE})") int beam;
    @Option(names = "--seed", defaultValue = "1") long seed;

    @Override
    public Integer call() throws Exception {
        System.out.println("distribution  n        dim  eff.dim  queries            segs  M    beam  candidates  recall@" + k + "  min     p50 ms  p99 ms  exact p50 ms  exact p99 ms  build vec/s");
        for (String d : distributions)
            for (IndexBench.Row r : IndexBench.run(new IndexBench.Options(n, dim, queries, k, candidates, d, queriesFile, new VectorIndex.Hnsw(m, beam), seed), System.err))
                System.out.printf("%-12s  %-7d  %-3d  %-7.1f  %-17s  %-4d  %-3d  %-4d  %-10d  %-9.4f  %-6.3f  %-6.3f  %-6.3f  %-12.3f  %-12.3f  %.0f%n",
                        r.distribution().replaceAll("^(like|file):.*/", "$1:"), r.n(), r.dim(), r.effectiveDim(), r.queries(), r.segments(), m, beam,
                        r.candidates(), r.recall(), r.minRecall(), r.p50Ms(), r.p99Ms(), r.exactP50Ms(), r.exactP99Ms(), r.buildPerSecond());
        System.out.println("(wall-clock on " + Runtime.getRuntime().availableProcessors() + " cores; single-threaded queries)");
        return 0;
    }
}
