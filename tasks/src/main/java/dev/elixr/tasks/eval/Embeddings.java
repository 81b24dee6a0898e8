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
