package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.models.vision.VisionTransformer;
import dev.elixr.models.vision.VitConfig;

import java.util.random.RandomGenerator;

/** A Vision Transformer image tower on grey images; features are the mean of the final patch tokens. */
public final class VitTower extends ImageTower {
    private final VisionTransformer vit;

    public VitTower(int imageSize, int patch, int hidden, int layers, int heads, RandomGenerator rng) {
        this.vit = registerModule("vit", new VisionTransformer(new VitConfig(hidden, layers, heads, 4 * hidden, imageSize, patch, 1,
                1e-12f, true, false, 0f, Activation.GELU), rng));
    }

    @Override
    public Var features(Var pixels) {
        Var h = vit.forward(pixels);
        return h.narrow(1, 1, h.size(1) - 1).mean(false, 1);
    }

    /** The final patch tokens (the class token dropped). */
    @Override
    public Var spatialTokens(Var pixels) {
        return VisionTransformer.patchTokensOf(vit.forward(pixels));
    }

    @Override
    public int featureDim() {
        return vit.config().hiddenSize();
    }
}
