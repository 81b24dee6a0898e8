package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.random.SplitMix64;

/**
 * Inverted-dropout masks from the counter-based uniform {@link SplitMix64#uniform}(seed, i): each element is a pure
 * function of (seed, position), so chunks run in parallel and every backend draws the same mask. Scalar (the 64-bit
 * multiplies dominate; the Vector API has no 64×64 multiply-high on AVX2).
 */
final class CpuDropout {
    private CpuDropout() {}

    static void mask(long seed, float p, Tensor out) {
        float[] o = out.storage().array();
        int off = out.offset();
        float keep = 1f / (1 - p);
        Parallel.forRange(out.numel(), 1 << 14, (s, e) -> {
            for (int i = s; i < e; i++) o[off + i] = SplitMix64.uniform(seed, i) >= p ? keep : 0f;
        });
    }
}
