package dev.elixr.tools;

import dev.elixr.bench.IndexBench;
import dev.elixr.tasks.index.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code elixr bench index}: HNSW recall, latency and build rate beside exact search on synthetic vectors (logic in bench). */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Recall@k of the HNSW index (with exact re-ranking) against exact search, query latency of both, and build rate, on synthetic unit vectors.")
final class IndexBenchCommand implements Callable<Integer> {
    @Option(names = "--n", defaultValue = "100000", description = "vectors in the index (default ${DEFAULT-VALUE})") int n;
    @Option(names = "--dim", defaultValue = "128", description = "vector width (default ${DEFAULT-VALUE}, the ELIXR-C embedding width)") int dim;
    @Option(names = "--queries", defaultValue = "200", description = "queries (default ${DEFAULT-VALUE})") int queries;
    @Option(names = "--k", defaultValue = "10", description = "neighbours per query (default ${DEFAULT-VALUE})") int k;
    @Option(names = "--candidates", split = ",", defaultValue = "10,50,100,200", description = "HNSW candidates re-ranked exactly (default ${DEFAULT-VALUE})") List<Integer> candidates;
    @Option(names = "--distribution", split = ",", defaultValue = "low-rank,clustered,isotropic", description = "low-rank (16-d latent clusters mapped to the width, as learned embeddings), clustered (100 clusters, full-rank noise) and/or isotropic (default ${DEFAULT-VALUE})") List<String> distributions;
    @Option(names = "--m", defaultValue = "32", description = "HNSW M (default ${DEFAULT-VALUE})") int m;
    @Option(names = "--beam-width", defaultValue = "200", description = "HNSW beam width (default ${DEFAULT-VALUE})") int beam;
    @Option(names = "--seed", defaultValue = "1") long seed;

    @Override
    public Integer call() throws Exception {
        System.out.println("distribution  n        dim  candidates  recall@" + k + "  min     p50 ms  p99 ms  exact p50 ms  exact p99 ms  build vec/s");
        for (String d : distributions)
            for (IndexBench.Row r : IndexBench.run(new IndexBench.Options(n, dim, queries, k, candidates, d, new VectorIndex.Hnsw(m, beam), seed), System.err))
                System.out.printf("%-12s  %-7d  %-3d  %-10d  %-9.4f  %-6.3f  %-6.3f  %-6.3f  %-12.3f  %-12.3f  %.0f%n", r.distribution(), r.n(), r.dim(),
                        r.candidates(), r.recall(), r.minRecall(), r.p50Ms(), r.p99Ms(), r.exactP50Ms(), r.exactP99Ms(), r.buildPerSecond());
        System.out.println("(wall-clock on " + Runtime.getRuntime().availableProcessors() + " cores; single-threaded queries)");
        return 0;
    }
}
