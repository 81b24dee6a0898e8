package dev.elixr.models.vision;

import dev.elixr.autograd.Var;

/**
 * A convolutional feature map as a sequence of image tokens, the form a Q-Former cross-attends to (BLIP-2, Li et al.
 * 2023, §3.1; ELIXR-B reads EfficientNet-L2's 8×8×1376 map as 64 tokens): [B,C,H,W] → [B,H·W,C], positions row-major
 * (token h·W + w), as PyTorch's {@code x.flatten(2).transpose(1, 2)}.
 */
public final class SpatialTokens {
    private SpatialTokens() {}

    public static Var of(Var featureMap) {
        if (featureMap.dim() != 4) throw new IllegalArgumentException("spatial tokens: feature map " + featureMap + " must be [B,C,H,W]");
        return featureMap.flatten(2, 3).transpose(1, 2).contiguous();
    }
}
