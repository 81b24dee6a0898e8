package dev.elixr.models.text;

import dev.elixr.autograd.nn.Activation;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Shape of a BERT encoder (Devlin et al. 2019), with Hugging Face {@code BertConfig} defaults, plus optional
 * cross-attention in chosen layers to an encoder of width {@code encoderWidth} (the BLIP-2 Q-Former, Li et al. 2023 §3.1).
 */
public record BertConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                         int maxPositionEmbeddings, int typeVocabSize, float layerNormEps, float dropout, int padTokenId,
                         boolean addPooler, int[] crossAttentionLayers, int encoderWidth,
                         Activation hiddenAct) {
    public BertConfig {
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("BERT hidden size " + hiddenSize + " is not divisible by " + numHeads + " heads");
        }
        crossAttentionLayers = crossAttentionLayers.clone();
        for (int l : crossAttentionLayers) {
            if (l < 0 || l >= numLayers) {
                throw new IllegalArgumentException("cross-attention layer " + l + " outside [0, " + numLayers + ")");
            }
        }
    }

    /** BERT-base uncased: 30522 tokens, 768-d, 12 layers, 12 heads. */
    public static BertConfig base() {
        return new BertConfig(30522, 768, 12, 12, 3072, 512, 2, 1e-12f, 0.1f, 0, true, new int[0], 768, Activation.GELU);
    }

    public BertConfig withPooler(boolean pooler) {
        return new BertConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositionEmbeddings,
                typeVocabSize, layerNormEps, dropout, padTokenId, pooler, crossAttentionLayers, encoderWidth, hiddenAct);
    }

    public int headDim() { return hiddenSize / numHeads; }

    public boolean hasCrossAttention(int layer) {
        for (int l : crossAttentionLayers) if (l == layer) return true;
        return false;
    }

    /** The same shape with cross-attention every {@code frequency} layers (0, f, 2f, …) to an encoder of the given width. */
    public BertConfig withCrossAttention(int frequency, int encoderWidth) {
        int[] layers = IntStream.range(0, numLayers).filter(l -> l % frequency == 0).toArray();
        return new BertConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositionEmbeddings,
                typeVocabSize, layerNormEps, dropout, padTokenId, addPooler, layers, encoderWidth, hiddenAct);
    }

    @Override public int[] crossAttentionLayers() { return crossAttentionLayers.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof BertConfig c && vocabSize == c.vocabSize && hiddenSize == c.hiddenSize && numLayers == c.numLayers
                && numHeads == c.numHeads && intermediateSize == c.intermediateSize
                && maxPositionEmbeddings == c.maxPositionEmbeddings && typeVocabSize == c.typeVocabSize
                && layerNormEps == c.layerNormEps && dropout == c.dropout && padTokenId == c.padTokenId
                && addPooler == c.addPooler && Arrays.equals(crossAttentionLayers, c.crossAttentionLayers)
                && encoderWidth == c.encoderWidth && hiddenAct == c.hiddenAct;
    }

    @Override public int hashCode() { return vocabSize * 31 + hiddenSize * 17 + numLayers + Arrays.hashCode(crossAttentionLayers); }

    @Override public String toString() {
        return "BertConfig[vocab=" + vocabSize + ", hidden=" + hiddenSize + ", layers=" + numLayers + ", heads=" + numHeads
                + ", ffn=" + intermediateSize + ", positions=" + maxPositionEmbeddings + ", crossAttention="
                + Arrays.toString(crossAttentionLayers) + " (width " + encoderWidth + ")]";
    }
}
