package dev.elixr.tensor.random;

import java.util.random.RandomGenerator;

/**
 * A seeded generator whose whole state is one long (SplitMix64, Steele, Lea &amp; Flood, OOPSLA 2014), so that
 * checkpoints can save and restore it exactly: dropout masks, shuffles and sampling continue bitwise. Output k
 * (k = 1, 2, …) is {@link #mix}(state₀ + k·γ), so any output can also be computed directly from the seed and its
 * position ({@link #uniform}): the dropout kernels of every backend draw that way, in parallel.
 */
public final class SplitMix64 implements RandomGenerator {
    /** The increment γ (the odd integer closest to 2⁶⁴/φ). */
    public static final long GAMMA = 0x9e3779b97f4a7c15L;

    private long state;

    public SplitMix64(long seed) { this.state = seed; }

    @Override
    public long nextLong() { return mix(state += GAMMA); }

    /** The finaliser (a variant of MurmurHash3's fmix64, Stafford's Mix13). */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * The float in [0, 1) with 24 random bits that {@code nextFloat()} returns as call number i + 1 (i ≥ 0) of a
     * generator created with {@code seed}.
     */
    public static float uniform(long seed, long i) { return (mix(seed + (i + 1) * GAMMA) >>> 40) * 0x1.0p-24f; }

    /** Moves the generator past n outputs, as n calls of nextLong would. */
    public void skip(long n) { state += n * GAMMA; }

    /** The complete state. */
    public long state() { return state; }

    /** Restores a state taken with {@link #state()}. */
    public void setState(long state) { this.state = state; }
}
