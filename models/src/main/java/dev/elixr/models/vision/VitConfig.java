package dev.elixr.models.vision;

import dev.elixr.autograd.nn.Activation;

/**
 * Shape of a Vision Transformer (Dosovitskiy et al. 2021, table 1), with Hugging Face {@code ViTConfig} defaults:
 * pre-norm blocks, exact (erf) GELU, layer-norm epsilon 1e-12, biases on query/key/value.
 */
public record VitConfig(int hiddenSize, int numLayers, int numHeads, int intermediateSize, int imageSize, int patchSize,
                        int numChannels, float layerNormEps, boolean qkvBias, boolean addPooler, float dropout,
                        Activation hiddenAct) {
    public VitConfig {
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("ViT hidden size " + hiddenSize + " is not divisible by " + numHeads + " heads");
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("ViT image size " + imageSize + " is not a multiple of patch size " + patchSize);
        }
    }

    /** ViT-Tiny (DeiT-Ti): 192-d, 12 layers, 3 heads. */
    public static VitConfig tiny(int imageSize, int patchSize, int channels) {
        return new VitConfig(192, 12, 3, 768, imageSize, patchSize, channels, 1e-12f, true, true, 0f, Activation.GELU);
    }

    /** ViT-B/16 at 224². */
    public static VitConfig base16(int channels) {
        return new VitConfig(768, 12, 12, 3072, 224, 16, channels, 1e-12f, true, true, 0f, Activation.GELU);
    }

    /** ViT-L/16 at 224². */
    public static VitConfig large16(int channels) {
        return new VitConfig(1024, 24, 16, 4096, 224, 16, channels, 1e-12f, true, true, 0f, Activation.GELU);
    }

    public VitConfig withPooler(boolean pooler) {
        return new VitConfig(hiddenSize, numLayers, numHeads, intermediateSize, imageSize, patchSize, numChannels, layerNormEps,
                qkvBias, pooler, dropout, hiddenAct);
    }

    public int headDim() { return hiddenSize / numHeads; }

    /** Patches per side at the trained resolution. */
    public int gridSize() { return imageSize / patchSize; }

    public int numPatches() { return gridSize() * gridSize(); }

    public VitConfig withChannels(int channels) {
        return new VitConfig(hiddenSize, numLayers, numHeads, intermediateSize, imageSize, patchSize, channels, layerNormEps,
                qkvBias, addPooler, dropout, hiddenAct);
    }
}
