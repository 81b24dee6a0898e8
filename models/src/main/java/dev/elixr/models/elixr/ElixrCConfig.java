package dev.elixr.models.elixr;

import dev.elixr.autograd.nn.Activation;
import dev.elixr.models.text.BertConfig;

/**
 * Shape of an ELIXR-C model (ELIXR section 2.1): the image tower ({@code conv}: {@link ConvTower} with
 * {@code convWidths}/{@code convBlocksPerStage}; {@code vit-P-L-H}: {@link VitTower} with patch P, L layers, H heads
 * and width {@code imageFeatures}; {@code efficientnet-b0}…: {@link EfficientNetTower}), the BERT text tower, the width
 * of the shared embedding space and the temperature (initial value and clamp).
 * <p>The text tower: {@code textEncoder} says where it starts from ({@code bert-small}: random initialisation and a
 * vocabulary built from the training reports; otherwise the Hugging Face BERT folder it was initialised from, see
 * {@link HfTextInit}); {@code textCased} keeps the case of the texts (BERT "cased" vocabularies); the other
 * {@code text*} fields are the BERT shape. Fields a config file written before they existed lacks (0, null, false)
 * take the values such runs had: positions max(maxTokens, 8), 2 token types, eps 1e-12, GELU, lower-cased, bert-small.
 */
public record ElixrCConfig(String imageEncoder, int imageSize, int[] convWidths, int convBlocksPerStage, int imageFeatures,
                           int vocabSize, int textHidden, int textLayers, int textHeads, int textIntermediate,
                           int maxTokens, int embedDim, float initTemperature, float minTemperature,
                           int textMaxPositions, int textTypeVocab, float textLayerNormEps, Activation textActivation,
                           boolean textCased, String textEncoder) {
    public static final String BERT_SMALL = "bert-small";

    public ElixrCConfig {
        if (!imageEncoder.equals("conv") && !imageEncoder.matches("vit-\\d+-\\d+-\\d+") && !imageEncoder.matches("efficientnet-(b[0-7]|l2)"))
            throw new IllegalArgumentException("image encoder '" + imageEncoder + "': expected conv, vit-PATCH-LAYERS-HEADS (e.g. vit-8-4-4) or efficientnet-b0");
        if (!(initTemperature >= minTemperature && minTemperature > 0))
            throw new IllegalArgumentException("temperature: need 0 < min (" + minTemperature + ") <= init (" + initTemperature + ")");
        if (textMaxPositions <= 0) textMaxPositions = Math.max(maxTokens, 8);
        if (textTypeVocab <= 0) textTypeVocab = 2;
        if (!(textLayerNormEps > 0)) textLayerNormEps = 1e-12f;
        if (textActivation == null) textActivation = Activation.GELU;
        if (textEncoder == null || textEncoder.isBlank()) textEncoder = BERT_SMALL;
        if (maxTokens < 2 || maxTokens > textMaxPositions)
            throw new IllegalArgumentException("text: maxTokens " + maxTokens + " must lie in [2, " + textMaxPositions
                    + "] (the text tower's position embeddings)");
    }

    /** A text tower trained from scratch ({@code bert-small}): the BERT shape beyond width, depth, heads and FFN is derived. */
    public ElixrCConfig(String imageEncoder, int imageSize, int[] convWidths, int convBlocksPerStage, int imageFeatures,
                        int vocabSize, int textHidden, int textLayers, int textHeads, int textIntermediate,
                        int maxTokens, int embedDim, float initTemperature, float minTemperature) {
        this(imageEncoder, imageSize, convWidths, convBlocksPerStage, imageFeatures, vocabSize, textHidden, textLayers,
                textHeads, textIntermediate, maxTokens, embedDim, initTemperature, minTemperature, 0, 0, 0f, null, false, null);
    }

    /** The demo's small towers: 64x64 grey images, a 4-stage conv net (one conv per stage), a 2-layer 64-d BERT
     *  over up to 128 tokens, a 128-d shared space. */
    public static ElixrCConfig small(int vocabSize) {
        return new ElixrCConfig("conv", 64, new int[] {16, 32, 64, 96}, 1, 256,
                vocabSize, 64, 2, 2, 256, 128, 128, 0.07f, 0.01f);
    }

    /** The image tower this config describes. */
    public ImageTower imageTower(java.util.random.RandomGenerator rng) {
        if (imageEncoder.startsWith("vit-")) {
            String[] p = imageEncoder.split("-");
            return new VitTower(imageSize, Integer.parseInt(p[1]), imageFeatures, Integer.parseInt(p[2]), Integer.parseInt(p[3]), rng);
        }
        if (imageEncoder.startsWith("efficientnet-")) return new EfficientNetTower(imageEncoder.substring("efficientnet-".length()), rng);
        return new ConvTower(imageSize, convWidths, convBlocksPerStage, imageFeatures, rng);
    }

    public ElixrCConfig withImageEncoder(String encoder) {
        return new ElixrCConfig(encoder, imageSize, convWidths, convBlocksPerStage, imageFeatures, vocabSize, textHidden,
                textLayers, textHeads, textIntermediate, maxTokens, embedDim, initTemperature, minTemperature,
                textMaxPositions, textTypeVocab, textLayerNormEps, textActivation, textCased, textEncoder);
    }

    public ElixrCConfig withImageSize(int size) {
        return new ElixrCConfig(imageEncoder, size, convWidths, convBlocksPerStage, imageFeatures, vocabSize, textHidden,
                textLayers, textHeads, textIntermediate, maxTokens, embedDim, initTemperature, minTemperature,
                textMaxPositions, textTypeVocab, textLayerNormEps, textActivation, textCased, textEncoder);
    }

    /**
     * The same image tower and shared space with the text tower of a given BERT shape (e.g. a Hugging Face checkpoint's),
     * its case handling and its origin; texts are cut to at most the tower's positions.
     */
    public ElixrCConfig withTextTower(BertConfig bert, boolean cased, String origin) {
        return new ElixrCConfig(imageEncoder, imageSize, convWidths, convBlocksPerStage, imageFeatures, bert.vocabSize(),
                bert.hiddenSize(), bert.numLayers(), bert.numHeads(), bert.intermediateSize(),
                Math.min(maxTokens, bert.maxPositionEmbeddings()), embedDim, initTemperature, minTemperature,
                bert.maxPositionEmbeddings(), bert.typeVocabSize(), bert.layerNormEps(), bert.hiddenAct(), cased, origin);
    }

    /** The text tower's BERT (no dropout: ELIXR-C training is a pure function of seed and step; no pooler: see {@link TextTower}). */
    public BertConfig bertConfig() {
        return new BertConfig(vocabSize, textHidden, textLayers, textHeads, textIntermediate, textMaxPositions, textTypeVocab,
                textLayerNormEps, 0f, 0, false, new int[0], textHidden, textActivation);
    }

    /** Whether texts are lower-cased (and accents stripped) before WordPiece, as BERT "uncased". */
    public boolean textLowercase() {
        return !textCased;
    }

    /** Whether the text tower starts from a Hugging Face folder rather than from random weights. */
    public boolean textFromHf() {
        return !textEncoder.equals(BERT_SMALL);
    }
}
