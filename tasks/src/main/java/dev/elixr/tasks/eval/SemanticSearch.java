package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.tasks.data.Csv;
import dev.elixr.tasks.metrics.Ndcg;
import dev.elixr.tasks.metrics.PrecisionAtK;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Semantic search (ELIXR section 2.4): rank all test images by cosine similarity to each text query; NDCG@k and
 * precision@k from the graded {@link Relevance}; averages over queries and the count of perfectly retrieved
 * queries (NDCG@k = 1).
 */
public final class SemanticSearch {
    private SemanticSearch() {}

    public record Hit(int rank, int index, String dicomId, double score, int relevance) {}

    /** One query: its metrics, the top k, and the score and graded relevance of every image of the split (in split order). */
    public record QueryResult(String query, double ndcg, double precision, int relevantInSplit, List<Hit> top,
                              List<String> ids, double[] scores, double[] relevance) {}

    public record Result(int k, double meanNdcg, double meanPrecision, int perfect, List<QueryResult> perQuery) {}

    public static Result evaluate(EmbeddedSplit test, List<StudyTruth> truths, List<SearchQuery> queries,
                                  TextEncoder encoder, int k) {
        if (truths.size() != test.size())
            throw new IllegalArgumentException("search: " + truths.size() + " truths for " + test.size() + " images");
        float[][] q = encoder.encode(queries.stream().map(SearchQuery::text).toList());
        List<QueryResult> per = new ArrayList<>();
        for (int j = 0; j < queries.size(); j++) {
            double[] scores = new double[test.size()], rel = new double[test.size()];
            for (int i = 0; i < test.size(); i++) {
                scores[i] = Embeddings.similarity(test.embeddings()[i], q[j]);
                rel[i] = Relevance.grade(queries.get(j), truths.get(i));
            }
            per.add(queryResult(queries.get(j).text(), test.ids(), scores, rel, k));
        }
        return summary(k, per);
    }

    /** Re-scores a query's candidates, higher first (ITM re-ranking): one score per candidate image index. */
    public interface Reranker {
        double[] scores(String query, int[] candidates);
    }

    /** Below every re-ranked candidate: LAVIS fills the images outside the top k with −100 before re-ranking. */
    static final double OUTSIDE_CANDIDATES = -100;

    /**
     * BLIP-2's retrieval re-ranking (Li et al. 2023, §4.3; LAVIS's {@code compute_sim_matrix}): the {@code candidates}
     * images that ITC ranks first for a query are scored again by ITM, score = ITM match logit + ITC similarity, and
     * put in that order above all others (which keep their ITC order, scored −100 + ITC similarity).
     */
    public static Result rerank(Result itc, Reranker reranker, int candidates) {
        if (candidates < itc.k())
            throw new IllegalArgumentException("ITM re-ranking: " + candidates + " candidates cannot fill the top " + itc.k());
        List<QueryResult> per = new ArrayList<>();
        for (QueryResult q : itc.perQuery()) {
            int[] top = PrecisionAtK.topK(q.scores(), candidates);
            double[] itm = reranker.scores(q.query(), top);
            double[] scores = new double[q.scores().length];
            for (int i = 0; i < scores.length; i++) scores[i] = OUTSIDE_CANDIDATES + q.scores()[i];
            for (int c = 0; c < top.length; c++) scores[top[c]] = itm[c] + q.scores()[top[c]];
            per.add(queryResult(q.query(), q.ids(), scores, q.relevance(), itc.k()));
        }
        return summary(itc.k(), per);
    }

    private static QueryResult queryResult(String query, List<String> ids, double[] scores, double[] rel, int k) {
        int relevant = 0;
        for (double r : rel) if (r > 0) relevant++;
        double ndcg = Ndcg.atK(rel, scores, k), p = PrecisionAtK.atK(rel, scores, k);
        List<Hit> top = new ArrayList<>();
        int[] idx = PrecisionAtK.topK(scores, k);
        for (int r = 0; r < idx.length; r++) top.add(new Hit(r + 1, idx[r], ids.get(idx[r]), scores[idx[r]], (int) rel[idx[r]]));
        return new QueryResult(query, ndcg, p, relevant, top, ids, scores, rel);
    }

    private static Result summary(int k, List<QueryResult> per) {
        double sumNdcg = 0, sumP = 0;
        int perfect = 0;
        for (QueryResult q : per) {
            sumNdcg += q.ndcg();
            sumP += q.precision();
            if (q.ndcg() >= 1 - 1e-12) perfect++;
        }
        int n = per.size();
        return new Result(k, sumNdcg / n, sumP / n, perfect, per);
    }

    /**
     * Writes {@code metrics.json}, {@code results.csv} (the top k: {@code query,rank,dicom_id,score,relevance}) and
     * {@code scores.csv} (every image of the split: {@code query,dicom_id,score,relevance}, scores in shortest
     * round-trip form, so that NDCG@k and precision@k recompute exactly from it).
     */
    public static void write(Result r, Path dir) throws IOException {
        write(r, null, 0, dir);
    }

    /**
     * As {@link #write(Result, Path)}, with the ITM re-ranked result (or null) summarised in metrics.json under
     * {@code itm_rerank} and written in full to {@code dir/itm-rerank/}.
     */
    public static void write(Result r, Result reranked, int candidates, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("k", r.k());
        root.put("mean_ndcg_at_k", r.meanNdcg());
        root.put("mean_precision_at_k", r.meanPrecision());
        root.put("perfect_queries", r.perfect());
        root.put("queries", r.perQuery().size());
        if (reranked != null) {
            root.putObject("itm_rerank").put("candidates", candidates).put("mean_ndcg_at_k", reranked.meanNdcg())
                    .put("mean_precision_at_k", reranked.meanPrecision()).put("perfect_queries", reranked.perfect())
                    .put("scores", "ITM match logit + ITC similarity for the candidates, -100 + ITC similarity for the rest");
            write(reranked, dir.resolve("itm-rerank"));
        }
        ArrayNode per = root.putArray("per_query");
        StringBuilder csv = new StringBuilder("query,rank,dicom_id,score,relevance\n");
        for (QueryResult q : r.perQuery()) {
            per.addObject().put("query", q.query()).put("ndcg_at_k", q.ndcg()).put("precision_at_k", q.precision())
                    .put("relevant_in_split", q.relevantInSplit());
            for (Hit h : q.top())
                csv.append(Csv.quote(q.query())).append(',').append(h.rank()).append(',').append(h.dicomId()).append(',')
                        .append(h.score()).append(',').append(h.relevance()).append('\n');
        }
        StringBuilder all = new StringBuilder("query,dicom_id,score,relevance\n");
        for (QueryResult q : r.perQuery())
            for (int i = 0; i < q.scores().length; i++)
                all.append(Csv.quote(q.query())).append(',').append(q.ids().get(i)).append(',').append(q.scores()[i]).append(',')
                        .append((int) q.relevance()[i]).append('\n');
        Files.writeString(dir.resolve("metrics.json"), m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        Files.writeString(dir.resolve("results.csv"), csv);
        Files.writeString(dir.resolve("scores.csv"), all);
    }
}
