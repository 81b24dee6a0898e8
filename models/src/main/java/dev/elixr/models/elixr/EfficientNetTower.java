package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;
import dev.elixr.models.vision.EfficientNet;
import dev.elixr.models.vision.EfficientNetConfig;

import java.util.random.RandomGenerator;

/** An EfficientNet image tower on grey images (ELIXR uses EfficientNet-L2); features are the pooled head. No
 *  stochastic depth, so that a resumed run repeats an uninterrupted one bitwise. */
public final class EfficientNetTower extends ImageTower {
    private final EfficientNet net;

    public EfficientNetTower(String variant, RandomGenerator rng) {
        this.net = registerModule("efficientnet", new EfficientNet(EfficientNetConfig.variant(variant, 1).withStochasticDepth(0f), rng));
    }

    @Override
    public Var features(Var pixels) {
        return net.encode(pixels).pooled();
    }

    /** The last MBConv stage as image tokens (ELIXR-B reads EfficientNet-L2's 8×8×1376 map this way). */
    @Override
    public Var spatialTokens(Var pixels) {
        return net.encode(pixels).lastBlockTokens();
    }

    @Override
    public int featureDim() {
        return net.config().headChannels();
    }
}
