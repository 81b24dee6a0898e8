package dev.elixr.tensor.reference;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.random.SplitMix64;

/** Reference dropout mask: one nextFloat per element, in row-major order, from a sequential SplitMix64 generator. */
public final class Random {
    private Random() {}

    public static Tensor dropoutMask(long seed, float p, int... shape) {
        SplitMix64 rng = new SplitMix64(seed);
        float[] m = new float[Shape.numel(shape)];
        for (int i = 0; i < m.length; i++) m[i] = rng.nextFloat() >= p ? 1f / (1 - p) : 0f;
        return Tensor.wrap(m, shape);
    }
}
