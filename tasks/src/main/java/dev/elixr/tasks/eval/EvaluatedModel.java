package dev.elixr.tasks.eval;

import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tasks.train.ElixrBRun;
import dev.elixr.tasks.train.ElixrCRun;

import java.util.List;

/**
 * What the evaluations read from a trained run: image embeddings (ELIXR-C: one vector per image; ELIXR-B: its query
 * embeddings concatenated, scored by the best query, {@link Embeddings#similarity}), the features a data-efficient
 * probe reads, and L2-normalised text embeddings.
 */
interface EvaluatedModel {
    /** "elixr-c" or "elixr-b": the name of the probe's feature source in the results. */
    String name();

    float[][] embedImages(ImageBank bank);

    float[][] probeFeatures(ProbeFeatures which, ImageBank bank);

    float[][] embedTexts(List<String> texts);

    /** BLIP-2's ITM re-ranking of search candidates among the images of bank, or null when the model has no ITM head. */
    default SemanticSearch.Reranker itmReranker(ImageBank bank) { return null; }

    static EvaluatedModel of(ElixrCRun run) {
        return new EvaluatedModel() {
            @Override public String name() { return "elixr-c"; }
            @Override public float[][] embedImages(ImageBank bank) { return run.embedImages(bank); }
            @Override public float[][] probeFeatures(ProbeFeatures which, ImageBank bank) { return which.of(run, bank); }
            @Override public float[][] embedTexts(List<String> texts) { return run.embedTexts(texts); }
        };
    }

    /** ELIXR-B: probes read the query outputs average-pooled (pooled) or the query embeddings averaged (embedding). */
    static EvaluatedModel of(ElixrBRun run) {
        return new EvaluatedModel() {
            @Override public String name() { return "elixr-b"; }
            @Override public float[][] embedImages(ImageBank bank) { return run.embedImages(bank); }
            @Override public float[][] probeFeatures(ProbeFeatures which, ImageBank bank) {
                if (which == ProbeFeatures.POOLED) return run.pooledQueries(bank);
                float[][] e = run.embedImages(bank);
                int p = run.spec().qformer().projectionWidth();
                float[][] out = new float[e.length][p];
                for (int i = 0; i < e.length; i++)
                    for (int j = 0; j < e[i].length; j++) out[i][j % p] += e[i][j] * p / e[i].length;
                return out;
            }
            @Override public float[][] embedTexts(List<String> texts) { return run.embedTexts(texts); }
            @Override public SemanticSearch.Reranker itmReranker(ImageBank bank) {
                float[][] tokens = run.towerTokens(bank);
                return (query, candidates) -> run.itmMatchLogits(query, java.util.Arrays.stream(candidates).mapToObj(i -> tokens[i]).toList());
            }
        };
    }
}
