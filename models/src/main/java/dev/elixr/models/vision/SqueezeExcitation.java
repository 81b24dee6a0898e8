package dev.elixr.models.vision;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Conv2d;
import dev.elixr.autograd.nn.Layer;
import dev.elixr.autograd.nn.Module;

import java.util.random.RandomGenerator;

/**
 * Squeeze-and-excitation (Hu et al. 2018, §3): channel weights σ(fc2(SiLU(fc1(mean over H,W)))) scale the input.
 * 1×1 convolutions {@code fc1}, {@code fc2} as torchvision's {@code SqueezeExcitation}.
 */
public final class SqueezeExcitation extends Module implements Layer {
    private final Conv2d fc1, fc2;

    public SqueezeExcitation(int channels, int squeeze, RandomGenerator rng) {
        this.fc1 = registerModule("fc1", new Conv2d(channels, squeeze, 1, 1, 0, true, rng));
        this.fc2 = registerModule("fc2", new Conv2d(squeeze, channels, 1, 1, 0, true, rng));
    }

    @Override
    public Var forward(Var x) {
        Var s = x.mean(true, 2, 3);
        return x.mul(fc2.forward(fc1.forward(s).silu()).sigmoid());
    }
}
