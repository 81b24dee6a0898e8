package dev.elixr.tasks.data.synth;

import java.util.Locale;

/**
 * How hard the synthetic studies are: how conspicuous findings are against anatomy, how much anatomy and exposure
 * vary, how noisy the detector is, and how often the (simulated) radiologist misses or hedges a subtle finding.
 */
public enum Difficulty {
    EASY(1.45f, 0.010f, 0.6f, 0.00f, 0.10f),
    NORMAL(1.00f, 0.022f, 1.0f, 0.04f, 0.20f),
    HARD(0.70f, 0.035f, 1.3f, 0.08f, 0.28f);

    /** Multiplier on finding contrast and size beyond normal anatomy. */
    final float conspicuity;
    /** Standard deviation of the per-pixel quantum noise (intensity units). */
    final float noise;
    /** Multiplier on the spread of anatomy, positioning and exposure. */
    final float variation;
    /** Probability that a small finding is not reported (label blank though present). */
    final float missRate;
    /** Probability that a small finding is reported with uncertainty (label -1). */
    final float hedgeRate;

    Difficulty(float conspicuity, float noise, float variation, float missRate, float hedgeRate) {
        this.conspicuity = conspicuity;
        this.noise = noise;
        this.variation = variation;
        this.missRate = missRate;
        this.hedgeRate = hedgeRate;
    }

    public static Difficulty parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("difficulty must be easy, normal or hard, not '" + s + "'");
        }
    }
}
