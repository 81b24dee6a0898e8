package dev.elixr.tasks.eval;

import java.util.List;

/**
 * A text encoder whose embeddings have the mean embedding of a reference corpus (the training reports) subtracted and
 * are re-normalised: cos(image, q − c) ranks images by how much more they match the query than a generic report,
 * the way zero-shot scoring subtracts a negative prompt (ELIXR section 2.3). For one query, ranking by
 * image·(q − c) removes each image's similarity to the corpus mean, i.e. to "any report".
 */
public final class CentredTextEncoder implements TextEncoder {
    private final TextEncoder inner;
    private final float[] centre;

    public CentredTextEncoder(TextEncoder inner, float[] centre) {
        this.inner = inner;
        this.centre = centre.clone();
    }

    /** The mean of the corpus's embeddings (not normalised). */
    public static float[] meanOf(TextEncoder encoder, List<String> corpus) {
        if (corpus.isEmpty()) throw new IllegalArgumentException("query centring: the reference corpus is empty");
        float[][] e = encoder.encode(corpus);
        double[] sum = new double[e[0].length];
        for (float[] row : e) for (int d = 0; d < row.length; d++) sum[d] += row[d];
        float[] mean = new float[sum.length];
        for (int d = 0; d < sum.length; d++) mean[d] = (float) (sum[d] / e.length);
        return mean;
    }

    @Override
    public float[][] encode(List<String> texts) {
        float[][] e = inner.encode(texts);
        float[][] out = new float[e.length][];
        for (int i = 0; i < e.length; i++) {
            float[] v = new float[e[i].length];
            double n = 0;
            for (int d = 0; d < v.length; d++) { v[d] = e[i][d] - centre[d]; n += (double) v[d] * v[d]; }
            float inv = n > 0 ? (float) (1 / Math.sqrt(n)) : 0f;
            for (int d = 0; d < v.length; d++) v[d] *= inv;
            out[i] = v;
        }
        return out;
    }
}
