package dev.elixr.models.transformer;

import dev.elixr.tensor.Tensor;

/** Additive attention masks (0 where attending is allowed, a large negative value where not), as BERT builds them. */
public final class AttentionMasks {
    /**
     * What masked scores receive. Hugging Face adds finfo(float32).min; any value that dwarfs real scores gives the same
     * softmax, and a finite one keeps fully masked rows uniform instead of NaN.
     */
    public static final float MASKED = -1e30f;

    private AttentionMasks() {}

    /** From a padding mask [B,T] (1 = token, 0 = padding) to an additive key mask [B,1,1,T]. */
    public static Tensor padding(int[] mask, int batch, int length) {
        if (mask.length != batch * length) {
            throw new IllegalArgumentException("attention mask has " + mask.length + " entries, expected " + batch + "×" + length);
        }
        float[] m = new float[mask.length];
        for (int i = 0; i < m.length; i++) m[i] = mask[i] != 0 ? 0f : MASKED;
        return Tensor.of(m, batch, 1, 1, length);
    }

    /** Causal mask [1,1,T,T]: position i sees positions ≤ i. */
    public static Tensor causal(int length) {
        float[] m = new float[length * length];
        for (int i = 0; i < length; i++) for (int j = i + 1; j < length; j++) m[i * length + j] = MASKED;
        return Tensor.of(m, 1, 1, length, length);
    }
}
