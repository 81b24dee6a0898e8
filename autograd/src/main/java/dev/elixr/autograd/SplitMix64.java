package dev.elixr.autograd;

import java.util.random.RandomGenerator;

/**
 * A seeded generator whose whole state is one long (SplitMix64, Steele, Lea &amp; Flood, OOPSLA 2014), so that
 * checkpoints can save and restore it exactly: dropout masks, shuffles and sampling continue bitwise.
 */
public final class SplitMix64 implements RandomGenerator {
    private long state;

    public SplitMix64(long seed) { this.state = seed; }

    @Override
    public long nextLong() {
        long z = (state += 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The complete state. */
    public long state() { return state; }

    /** Restores a state taken with {@link #state()}. */
    public void setState(long state) { this.state = state; }
}
