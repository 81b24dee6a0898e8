package dev.elixr.tasks.eval;

/** Vector arithmetic on embeddings held as float rows: dot products and L2 normalisation. */
public final class Embeddings {
    private Embeddings() {}

    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("Embeddings.dot: lengths " + a.length + " and " + b.length);
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /**
     * An image's similarity to a text embedding: their dot product, or, for an image held as k query embeddings
     * concatenated (ELIXR-B), the best query's: max_q img_q·t (Xu et al. 2023, §2.3).
     */
    public static double similarity(float[] image, float[] text) {
        if (image.length == text.length) return dot(image, text);
        if (text.length == 0 || image.length % text.length != 0)
            throw new IllegalArgumentException("Embeddings.similarity: image of " + image.length + " values is not a whole number of "
                    + text.length + "-wide query embeddings");
        double best = Double.NEGATIVE_INFINITY;
        for (int q = 0; q < image.length; q += text.length) {
            double s = 0;
            for (int i = 0; i < text.length; i++) s += (double) image[q + i] * text[i];
            best = Math.max(best, s);
        }
        return best;
    }

    /** As {@link #similarity}, with the mean over the query embeddings in place of the best one: (1/k) Σ_q img_q·t. */
    public static double meanQuerySimilarity(float[] image, float[] text) {
        if (image.length == text.length) return dot(image, text);
        if (text.length == 0 || image.length % text.length != 0)
            throw new IllegalArgumentException("Embeddings.meanQuerySimilarity: image of " + image.length + " values is not a whole number of "
                    + text.length + "-wide query embeddings");
        double sum = 0;
        for (int q = 0; q < image.length; q += text.length)
            for (int i = 0; i < text.length; i++) sum += (double) image[q + i] * text[i];
        return sum / (image.length / text.length);
    }

    public static float[] normalize(float[] v) {
        double n = Math.sqrt(dot(v, v));
        float[] out = new float[v.length];
        if (n == 0) return out;
        for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] / n);
        return out;
    }

    /** The normalised mean of the rows (a prompt ensemble's direction). */
    public static float[] meanDirection(float[][] rows) {
        float[] m = new float[rows[0].length];
        for (float[] r : rows) for (int i = 0; i < m.length; i++) m[i] += r[i];
        return normalize(m);
    }
}
