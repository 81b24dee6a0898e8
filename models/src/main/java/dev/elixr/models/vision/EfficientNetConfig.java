package dev.elixr.models.vision;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * EfficientNet compound scaling (Tan &amp; Le 2019, §3.3; Xie et al. 2020 for L2): width and depth multipliers applied to
 * the B0 stages, with torchvision's rounding and batch-norm settings. {@code resolution} is the trained input size.
 */
public record EfficientNetConfig(String variant, double widthMult, double depthMult, int resolution, float dropout,
                                 float stochasticDepthProb, float batchNormEps, int inChannels) {

    /** B0 stages: expand ratio, kernel, stride, in, out, layers (torchvision {@code _efficientnet_conf}). */
    private static final int[][] B0_STAGES = {
            {1, 3, 1, 32, 16, 1}, {6, 3, 2, 16, 24, 2}, {6, 5, 2, 24, 40, 2}, {6, 3, 2, 40, 80, 3},
            {6, 5, 1, 80, 112, 3}, {6, 5, 2, 112, 192, 4}, {6, 3, 1, 192, 320, 1}};

    /** b0…b7 as in torchvision (batch-norm eps 1e-5 up to b4, 1e-3 from b5), l2 as in Noisy Student (width 4.3, depth 5.3). */
    public static EfficientNetConfig variant(String name, int inChannels) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "b0" -> new EfficientNetConfig("b0", 1.0, 1.0, 224, 0.2f, 0.2f, 1e-5f, inChannels);
            case "b1" -> new EfficientNetConfig("b1", 1.0, 1.1, 240, 0.2f, 0.2f, 1e-5f, inChannels);
            case "b2" -> new EfficientNetConfig("b2", 1.1, 1.2, 260, 0.3f, 0.2f, 1e-5f, inChannels);
            case "b3" -> new EfficientNetConfig("b3", 1.2, 1.4, 300, 0.3f, 0.2f, 1e-5f, inChannels);
            case "b4" -> new EfficientNetConfig("b4", 1.4, 1.8, 380, 0.4f, 0.2f, 1e-5f, inChannels);
            case "b5" -> new EfficientNetConfig("b5", 1.6, 2.2, 456, 0.4f, 0.2f, 1e-3f, inChannels);
            case "b6" -> new EfficientNetConfig("b6", 1.8, 2.6, 528, 0.5f, 0.2f, 1e-3f, inChannels);
            case "b7" -> new EfficientNetConfig("b7", 2.0, 3.1, 600, 0.5f, 0.2f, 1e-3f, inChannels);
            case "l2" -> new EfficientNetConfig("l2", 4.3, 5.3, 800, 0.5f, 0.2f, 1e-3f, inChannels);
            default -> throw new IllegalArgumentException("unknown EfficientNet variant '" + name + "' (expected b0…b7 or l2)");
        };
    }

    /** The seven scaled MBConv stages. */
    public List<MBConvConfig> stages() {
        List<MBConvConfig> out = new ArrayList<>();
        for (int[] s : B0_STAGES) out.add(MBConvConfig.scaled(s[0], s[1], s[2], s[3], s[4], s[5], widthMult, depthMult));
        return out;
    }

    public int stemChannels() { return stages().getFirst().inChannels(); }

    /** Channels of the last MBConv stage (1376 for L2: ELIXR's feature map width). */
    public int lastBlockChannels() { return stages().getLast().outChannels(); }

    /** Channels of the 1×1 head convolution (4× the last stage). */
    public int headChannels() { return 4 * lastBlockChannels(); }

    public int totalBlocks() { return stages().stream().mapToInt(MBConvConfig::numLayers).sum(); }

    /** torchvision: momentum 0.01 together with eps 1e-3 (b5…b7, and l2 here), else PyTorch's default 0.1. */
    public float batchNormMomentum() { return batchNormEps >= 1e-3f ? 0.01f : 0.1f; }

    public EfficientNetConfig withStochasticDepth(float p) {
        return new EfficientNetConfig(variant, widthMult, depthMult, resolution, dropout, p, batchNormEps, inChannels);
    }

    public EfficientNetConfig withInChannels(int channels) {
        return new EfficientNetConfig(variant, widthMult, depthMult, resolution, dropout, stochasticDepthProb, batchNormEps, channels);
    }

    public EfficientNetConfig withBatchNormEps(float eps) {
        return new EfficientNetConfig(variant, widthMult, depthMult, resolution, dropout, stochasticDepthProb, eps, inChannels);
    }
}
