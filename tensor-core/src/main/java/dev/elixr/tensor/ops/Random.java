package dev.elixr.tensor.ops;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;

/** Random tensors drawn on the device, counter-based, so every backend gives the same values for a seed. */
public final class Random {
    private Random() {}

    /**
     * An inverted-dropout mask (Srivastava et al. 2014) of the given shape on device: 1/(1−p) where
     * {@link dev.elixr.tensor.random.SplitMix64#uniform}(seed, i) ≥ p for row-major position i, else 0. Equal to
     * drawing nextFloat() element by element from a {@code new SplitMix64(seed)}.
     */
    public static Tensor dropoutMask(long seed, float p, Device device, int... shape) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropoutMask: p must be in [0, 1), got " + p);
        Backend be = Backends.forDevice(device);
        Tensor out = Outputs.allocate(be, shape);
        if (out.numel() > 0) be.dropoutMask(seed, p, out);
        return out;
    }
}
