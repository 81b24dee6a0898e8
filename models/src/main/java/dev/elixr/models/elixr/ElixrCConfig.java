package dev.elixr.models.elixr;

import dev.elixr.models.Activation;
import dev.elixr.models.text.BertConfig;

/**
 * Shape of an ELIXR-C model (ELIXR section 2.1): the image tower ({@code conv}: {@link ConvTower} with
 * {@code convWidths}/{@code convBlocksPerStage}; {@code vit-P-L-H}: {@link VitTower} with patch P, L layers, H heads
 * and width {@code imageFeatures}; {@code efficientnet-b0}…: {@link EfficientNetTower}), the BERT text tower, the width
 * of the shared embedding space and the temperature (initial value and clamp).
 */
public record ElixrCConfig(String imageEncoder, int imageSize, int[] convWidths, int convBlocksPerStage, int imageFeatures,
                           int vocabSize, int textHidden, int textLayers, int textHeads, int textIntermediate,
                           int maxTokens, int embedDim, float initTemperature, float minTemperature) {
    public ElixrCConfig {
        if (!imageEncoder.equals("conv") && !imageEncoder.matches("vit-\\d+-\\d+-\\d+") && !imageEncoder.matches("efficientnet-(b[0-7]|l2)"))
            throw new IllegalArgumentException("image encoder '" + imageEncoder + "': expected conv, vit-PATCH-LAYERS-HEADS (e.g. vit-8-4-4) or efficientnet-b0");
        if (!(initTemperature >= minTemperature && minTemperature > 0))
            throw new IllegalArgumentException("temperature: need 0 < min (" + minTemperature + ") <= init (" + initTemperature + ")");
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
                textLayers, textHeads, textIntermediate, maxTokens, embedDim, initTemperature, minTemperature);
    }

    public BertConfig bertConfig() {
        return new BertConfig(vocabSize, textHidden, textLayers, textHeads, textIntermediate, Math.max(maxTokens, 8), 2,
                1e-12f, 0f, 0, false, new int[0], textHidden, Activation.GELU);
    }

    public ElixrCConfig withImageSize(int size) {
        return new ElixrCConfig(imageEncoder, size, convWidths, convBlocksPerStage, imageFeatures, vocabSize, textHidden,
                textLayers, textHeads, textIntermediate, maxTokens, embedDim, initTemperature, minTemperature);
    }
}
