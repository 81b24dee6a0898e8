package dev.elixr.models.elixr;

import dev.elixr.tensor.Tensor;

/**
 * A learned position embedding for the frozen image tower's spatial tokens [1,T,C], added after {@code ln_vision}. A ViT's
 * patch tokens carry their positions (BLIP-2's and ELIXR-B's Q-Former reads them as they are), but the flattened feature
 * map of a small convolutional tower does not: cross-attention is blind to token order, so without this the queries
 * cannot tell a left-sided finding from a right-sided one. Initialised with the fixed 2-D sine-cosine embedding of MAE
 * (He et al. 2022) when T is a square grid (half the channels for the row, half for the column), else 1-D over the
 * token index; then trained with the Q-Former.
 */
public final class ImagePositionEmbedding {
    private ImagePositionEmbedding() {}

    /** The sine-cosine initial values [1,T,C]. */
    public static Tensor sinCos(int tokens, int channels) {
        if (tokens < 1 || channels < 2)
            throw new IllegalArgumentException("image position embedding: " + tokens + " tokens of width " + channels + ", expected at least 1 and 2");
        int side = (int) Math.round(Math.sqrt(tokens));
        float[] out = new float[tokens * channels];
        boolean grid = side * side == tokens && channels % 4 == 0;
        for (int t = 0; t < tokens; t++) {
            if (grid) {
                fill(out, t * channels, channels / 2, t / side);
                fill(out, t * channels + channels / 2, channels / 2, t % side);
            } else {
                fill(out, t * channels, channels, t);
            }
        }
        return Tensor.wrap(out, 1, tokens, channels);
    }

    /** width/2 sines then width/2 cosines of pos·ω_i, ω_i = 10000^(−i/(width/2)) (the transformer's encoding). */
    private static void fill(float[] out, int offset, int width, int pos) {
        int half = width / 2;
        for (int i = 0; i < half; i++) {
            double omega = Math.pow(10000, -(double) i / half);
            out[offset + i] = (float) Math.sin(pos * omega);
            out[offset + half + i] = (float) Math.cos(pos * omega);
        }
    }
}
