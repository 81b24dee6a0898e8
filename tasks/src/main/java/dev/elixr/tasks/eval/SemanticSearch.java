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
        double sumNdcg = 0, sumP = 0;
        int perfect = 0;
        for (int j = 0; j < queries.size(); j++) {
            double[] scores = new double[test.size()], rel = new double[test.size()];
            int relevant = 0;
            for (int i = 0; i < test.size(); i++) {
                scores[i] = Embeddings.similarity(test.embeddings()[i], q[j]);
                rel[i] = Relevance.grade(queries.get(j), truths.get(i));
                if (rel[i] > 0) relevant++;
            }
            double ndcg = Ndcg.atK(rel, scores, k), p = PrecisionAtK.atK(rel, scores, k);
            List<Hit> top = new ArrayList<>();
            int[] idx = PrecisionAtK.topK(scores, k);
            for (int r = 0; r < idx.length; r++)
                top.add(new Hit(r + 1, idx[r], test.ids().get(idx[r]), scores[idx[r]], (int) rel[idx[r]]));
            per.add(new QueryResult(queries.get(j).text(), ndcg, p, relevant, top, test.ids(), scores, rel));
            sumNdcg += ndcg;
            sumP += p;
            if (ndcg >= 1 - 1e-12) perfect++;
        }
        int n = queries.size();
        return new Result(k, sumNdcg / n, sumP / n, perfect, per);
    }

    /**
     * Writes {@code metrics.json}, {@code results.csv} (the top k: {@code query,rank,dicom_id,score,relevance}) and
     * {@code scores.csv} (every image of the split: {@code query,dicom_id,score,relevance}, scores in shortest
     * round-trip form, so that NDCG@k and precision@k recompute exactly from it).
     */
    public static void write(Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("k", r.k());
        root.put("mean_ndcg_at_k", r.meanNdcg());
        root.put("mean_precision_at_k", r.meanPrecision());
        root.put("perfect_queries", r.perfect());
        root.put("queries", r.perQuery().size());
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
