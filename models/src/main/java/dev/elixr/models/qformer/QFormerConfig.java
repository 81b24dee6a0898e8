package dev.elixr.models.qformer;

import dev.elixr.autograd.nn.Activation;

/**
 * Shape of a BLIP-2 Q-Former (Li et al. 2023, §3.1; ELIXR-B, Xu et al. 2023): a BERT-shaped {@link Transformer}, the
 * learned {@link Queries} that cross-attend to the image tokens, the {@link Text} side (vocabulary with a [DEC] token)
 * and the width of the vision/text projections (128 in ELIXR, 256 in BLIP-2).
 */
public record QFormerConfig(Transformer transformer, Queries queries, Text text, int projectionWidth) {
    /** Width H, depth, heads, feed-forward size, LayerNorm eps, dropout of hidden states, activation of the FFN. */
    public record Transformer(int width, int depth, int heads, int ffnSize, float layerNormEps, float dropout, Activation activation) {
        public Transformer {
            positive("width", width);
            positive("depth", depth);
            positive("heads", heads);
            positive("ffn size", ffnSize);
            if (width % heads != 0) throw new IllegalArgumentException("Q-Former width " + width + " is not divisible by " + heads + " heads");
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("Q-Former dropout " + dropout + " outside [0, 1)");
        }
    }

    /** count learned queries; cross-attention to image tokens of width imageWidth in layers 0, f, 2f, … (f = crossAttentionFrequency). */
    public record Queries(int count, int crossAttentionFrequency, int imageWidth) {
        public Queries {
            positive("number of queries", count);
            positive("cross-attention frequency", crossAttentionFrequency);
            positive("image width", imageWidth);
        }
    }

    /** Vocabulary size (with [DEC]), longest text (position embeddings), padding id, id of [DEC] (BLIP-2's bos). */
    public record Text(int vocabSize, int maxLength, int padTokenId, int decTokenId) {
        public Text {
            positive("vocabulary size", vocabSize);
            positive("max text length", maxLength);
            if (padTokenId < 0 || padTokenId >= vocabSize) throw new IllegalArgumentException("pad token " + padTokenId + " outside [0, " + vocabSize + ")");
            if (decTokenId < 0 || decTokenId >= vocabSize) throw new IllegalArgumentException("[DEC] token " + decTokenId + " outside [0, " + vocabSize + ")");
        }
    }

    public QFormerConfig {
        positive("projection width", projectionWidth);
    }

    /** The paper's shape: BERT-base (12 layers × 768, 12 heads, FFN 3072), 32 queries, cross-attention every 2nd layer
     * to ELIXR-C's 1376-wide feature map, BERT's uncased vocabulary plus [DEC] (id 30522), 512 positions, projections to 128. */
    public static QFormerConfig paper() {
        return new QFormerConfig(new Transformer(768, 12, 12, 3072, 1e-12f, 0.1f, Activation.GELU),
                new Queries(32, 2, 1376), new Text(30523, 512, 0, 30522), 128);
    }

    /** A small shape for the demo and tests: 2 layers × 64, 4 heads, FFN 128, 8 queries, cross-attention in layer 0. */
    public static QFormerConfig tiny(int imageWidth, int vocabSize, int decTokenId) {
        return new QFormerConfig(new Transformer(64, 2, 4, 128, 1e-12f, 0.1f, Activation.GELU),
                new Queries(8, 2, imageWidth), new Text(vocabSize, 128, 0, decTokenId), 32);
    }

    public int width() { return transformer.width; }

    public int depth() { return transformer.depth; }

    public boolean hasCrossAttention(int layer) { return layer % queries.crossAttentionFrequency == 0; }

    public QFormerConfig withQueries(Queries q) { return new QFormerConfig(transformer, q, text, projectionWidth); }

    public QFormerConfig withDropout(float dropout) {
        Transformer t = transformer;
        return new QFormerConfig(new Transformer(t.width, t.depth, t.heads, t.ffnSize, t.layerNormEps, dropout, t.activation),
                queries, text, projectionWidth);
    }

    @Override public String toString() {
        Transformer t = transformer;
        return "QFormerConfig[" + t.depth + " layers × " + t.width + ", " + t.heads + " heads, FFN " + t.ffnSize + ", "
                + queries.count + " queries, cross-attention every " + queries.crossAttentionFrequency + " layers to width "
                + queries.imageWidth + ", vocabulary " + text.vocabSize + " ([DEC] " + text.decTokenId + "), max length "
                + text.maxLength + ", projection " + projectionWidth + "]";
    }

    private static void positive(String what, int v) {
        if (v <= 0) throw new IllegalArgumentException("Q-Former " + what + " must be positive, got " + v);
    }
}
