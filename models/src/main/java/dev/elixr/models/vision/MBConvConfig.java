package dev.elixr.models.vision;

/**
 * One stage of inverted-residual (MBConv) blocks (Sandler et al. 2018; Tan &amp; Le 2019, table 1), after compound
 * scaling: channels rounded to multiples of 8 as torchvision's {@code _make_divisible}, depth rounded up.
 */
public record MBConvConfig(int expandRatio, int kernel, int stride, int inChannels, int outChannels, int numLayers) {

    /** The B0 stage scaled by width and depth multipliers (torchvision's {@code MBConvConfig}). */
    public static MBConvConfig scaled(int expandRatio, int kernel, int stride, int in, int out, int layers,
                                      double widthMult, double depthMult) {
        return new MBConvConfig(expandRatio, kernel, stride, adjustChannels(in, widthMult), adjustChannels(out, widthMult),
                (int) Math.ceil(layers * depthMult));
    }

    /** Channels after width scaling, rounded to the nearest multiple of 8 and never more than 10% below. */
    public static int adjustChannels(int channels, double widthMult) {
        return makeDivisible(channels * widthMult, 8);
    }

    static int makeDivisible(double v, int divisor) {
        int newV = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        if (newV < 0.9 * v) newV += divisor;
        return newV;
    }

    /** Channels inside a block (torchvision: adjust_channels(in, expand_ratio)). */
    public int expandedChannels(int blockIn) { return adjustChannels(blockIn, expandRatio); }
}
