package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.BatchNorm2d;
import dev.elixr.autograd.nn.Conv2d;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.ModuleList;
import dev.elixr.models.vision.SpatialTokens;

import java.util.random.RandomGenerator;

/**
 * A small convolutional image tower for fast CPU training (the demo; ELIXR itself uses EfficientNet-L2): stages of
 * [3x3 conv stride 2, BN, ReLU] + (blocks - 1) x [3x3 conv, BN, ReLU], then the final feature map flattened and
 * mapped linearly to the feature width, so that position (laterality) survives, unlike global average pooling.
 */
public final class ConvTower extends ImageTower {
    private final ModuleList<ConvBlock> blocks = registerModule("blocks", new ModuleList<>());
    private final Linear head;
    private final int featureDim;

    /** conv + batch norm + ReLU. */
    static final class ConvBlock extends Module {
        final Conv2d conv;
        final BatchNorm2d bn;

        ConvBlock(int in, int out, int stride, RandomGenerator rng) {
            conv = registerModule("conv", new Conv2d(in, out, 3, stride, 1, false, rng));
            bn = registerModule("bn", new BatchNorm2d(out));
        }

        /** In training the norm and ReLU run fused, in evaluation the batch norm is folded into the conv ({@link BatchNorm2d#afterConvRelu}). */
        Var forward(Var x) {
            return bn.afterConvRelu(conv, x);
        }
    }

    public ConvTower(int imageSize, int[] widths, int blocksPerStage, int featureDim, RandomGenerator rng) {
        int in = 1, size = imageSize;
        for (int w : widths) {
            blocks.add(new ConvBlock(in, w, 2, rng));
            for (int b = 1; b < blocksPerStage; b++) blocks.add(new ConvBlock(w, w, 1, rng));
            in = w;
            size = (size + 1) / 2;
        }
        this.featureDim = featureDim;
        this.head = registerModule("head", new Linear(in * size * size, featureDim, true, rng));
    }

    @Override
    public Var features(Var pixels) {
        return head.forward(lastFeatureMap(pixels).flatten(1, -1));
    }

    /** The last stage's feature map [B,C,h,w] as h·w tokens of width C. */
    @Override
    public Var spatialTokens(Var pixels) {
        return SpatialTokens.of(lastFeatureMap(pixels));
    }

    private Var lastFeatureMap(Var pixels) {
        Var h = pixels;
        for (ConvBlock b : blocks) h = b.forward(h);
        return h;
    }

    @Override
    public int featureDim() {
        return featureDim;
    }
}
