package dev.elixr.tasks.eval;

/**
 * How an image held as k query embeddings (ELIXR-B) is scored against a text embedding: the best query's
 * similarity, max_q img_q·t (Xu et al. 2023, §2.3; BLIP-2's ITC), or the mean over the queries of img_q·t. An image
 * with one embedding (ELIXR-C) scores the same either way.
 */
public enum QueryScoring {
    /** max_q img_q·t: the paper's. */
    BEST("best", "max over queries of cos(image query, text) (the paper's)"),
    /** (1/k) Σ_q img_q·t. */
    MEAN("mean", "mean over queries of cos(image query, text)");

    private final String key;
    private final String meaning;

    QueryScoring(String key, String meaning) {
        this.key = key;
        this.meaning = meaning;
    }

    public String key() { return key; }

    /** In words, as eval.json records it. */
    public String meaning() { return meaning; }

    public static QueryScoring parse(String s) {
        for (QueryScoring q : values()) if (q.key.equals(s)) return q;
        throw new IllegalArgumentException("--query-scoring '" + s + "': expected best (max over queries, the paper's) or mean (mean over queries)");
    }

    /** The image's similarity to the text under this scoring (see {@link Embeddings#similarity} for the shapes). */
    public double similarity(float[] image, float[] text) {
        return this == BEST ? Embeddings.similarity(image, text) : Embeddings.meanQuerySimilarity(image, text);
    }
}
