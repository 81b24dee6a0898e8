package dev.elixr.tasks.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every random stream of data generation, training and evaluation, derived from the one seed a run is given: each
 * stream a pure function of (seed, step or item), so that a resumed or repeated run draws exactly the same numbers.
 * {@code run.json} describes the training streams with {@link #trainingStreams()}.
 */
public final class Seeds {
    /** 2^64 / φ, the SplitMix64 increment. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    /** The batch order of a training epoch (a SplitMix64 seed; Fisher-Yates). */
    public static long batchOrder(long seed, int epoch) {
        return seed * 31 + epoch;
    }

    /** The image augmentation of a training step (a SplittableRandom seed). */
    public static long augmentation(long seed, long step) {
        return seed * GOLDEN + step;
    }

    /** The report texts of a training step: impression-only draws and sentence sampling (a SplittableRandom seed). */
    public static long textSampling(long seed, long step) {
        return (seed ^ 0x7F4A7C15F39CC060L) * GOLDEN + step;
    }

    /** ELIXR-B's hard negatives for image-text matching at one training step (a SplittableRandom seed). */
    public static long hardNegatives(long seed, long step) {
        return (seed ^ 0x3C6EF372FE94F82BL) * GOLDEN + step;
    }

    /** ELIXR-B stage 2's batch at one training step: each slot's task and item (a SplittableRandom seed). */
    public static long instructionMix(long seed, long step) {
        return (seed ^ 0x1B873593CC9E2D51L) * GOLDEN + step;
    }

    /** The seed of one probe subset of the data-efficient evaluation (a fraction of the training images, one repeat). */
    public static long probeSubset(long seed, double fraction, int repeat) {
        return seed * 1_000_003L + Math.round(fraction * 1e6) * 31 + repeat;
    }

    /** The supervised baseline's initialisation and batch draws on one probe subset (a SplitMix64 seed). */
    public static long baselineInit(long subsetSeed) {
        return subsetSeed ^ 0x5DEECE66DL;
    }

    /** The supervised baseline's augmentation at one step (a SplittableRandom seed). */
    public static long baselineAugmentation(long subsetSeed, long step) {
        return subsetSeed * 7919 + step;
    }

    /** The SplitMix64 finaliser: a well-mixed seed for item {@code i} of a stream seeded with {@code seed} (synthetic patients). */
    public static long item(long seed, long i) {
        long z = seed + (i + 1) * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** How each training stream derives from the seed, as {@code run.json} records it. */
    public static Map<String, String> trainingStreams() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("model_init", "SplitMix64(seed)");
        s.put("batch_order", "SplitMix64(seed * 31 + epoch), Fisher-Yates per epoch");
        s.put("augmentation", "SplittableRandom(seed * 0x9E3779B97F4A7C15 + step) per step");
        s.put("sentence_sampling", "SplittableRandom((seed ^ 0x7F4A7C15F39CC060) * 0x9E3779B97F4A7C15 + step) per step, split per report");
        s.put("instruction_mix", "SplittableRandom((seed ^ 0x1B873593CC9E2D51) * 0x9E3779B97F4A7C15 + step) per step (ELIXR-B stage 2's task and item per batch slot)");
        s.put("hard_negatives", "SplittableRandom((seed ^ 0x3C6EF372FE94F82B) * 0x9E3779B97F4A7C15 + step) per step (ELIXR-B's ITM)");
        return s;
    }
}
