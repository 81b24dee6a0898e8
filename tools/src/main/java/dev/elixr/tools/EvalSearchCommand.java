package dev.elixr.tools;

import dev.elixr.tasks.eval.ElixrCEvaluation;
import dev.elixr.tasks.eval.SearchQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code elixr eval search}: text-to-image semantic search. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Semantic search with graded relevance: NDCG@k and precision@k; writes RUN/eval/search/{metrics.json,results.csv,manifest.json,eval.json}.")
final class EvalSearchCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin EvalTarget target;
    @Option(names = "--queries", description = "queries JSON (default: the 19 shipped queries)") Path queries;
    @Option(names = "-k", defaultValue = "5") int k;
    @Option(names = "--centre", negatable = true, defaultValue = "false",
            description = "subtract the mean embedding of the training reports from each query (default: ${DEFAULT-VALUE})") boolean centre;

    @Option(names = "--itm-rerank", defaultValue = "0", paramLabel = "N",
            description = "ELIXR-B runs: also re-rank the top N images of each query by ITM match logit + ITC similarity, as BLIP-2 "
                    + "does (written to RUN/eval/search/itm-rerank/; default 0: off)") int itmRerank;

    @Option(names = "--split", defaultValue = "test", paramLabel = "test|validate",
            description = "split to search; 'validate' writes RUN/eval/search-validate, for choosing options without the test split (default: ${DEFAULT-VALUE})")
    String split;

    @Override
    public Integer call() throws Exception {
        var eval = target.open().withQueryCentring(centre).withItmRerank(itmRerank);
        var r = eval.search(queries == null ? SearchQuery.defaults() : SearchQuery.load(queries), k, split);
        System.out.printf("split %s%n", split);
        for (var q : r.perQuery()) System.out.printf("%-40s NDCG@%d %.3f  P@%d %.2f%n", q.query(), k, q.ndcg(), k, q.precision());
        System.out.printf("mean NDCG@%d %.3f, precision@%d %.3f, %d/%d perfect%n", k, r.meanNdcg(), k, r.meanPrecision(), r.perfect(), r.perQuery().size());
        var itm = eval.itmReranked();
        if (itm != null)
            System.out.printf("ITM re-ranking of the top %d: mean NDCG@%d %.3f, precision@%d %.3f, %d/%d perfect%n", itmRerank, k,
                    itm.meanNdcg(), k, itm.meanPrecision(), itm.perfect(), itm.perQuery().size());
        return 0;
    }
}
