package dev.elixr.tasks.eval;

/**
 * The allowed ranges of the evaluations' numeric options, checked before any image is decoded or file written; a
 * refusal names the option, the value and the range, in the words of the command line (as training's options do).
 */
public final class EvalOptions {
    /** Bootstrap resamples: each holds one index per image, so 10,000 × a MIMIC-CXR test split is already ~200 MB. */
    public static final int MAX_BOOTSTRAP = 10_000;

    private EvalOptions() {}

    /** {@code --bootstrap}: resamples for the 95% intervals, 0 for none. */
    public static void bootstrap(int resamples) {
        range("--bootstrap", resamples, 0, MAX_BOOTSTRAP, "resamples for the 95% intervals; 0 leaves the intervals out");
    }

    /** {@code -k}: how many images search ranks per query. */
    public static void k(int k) { range("-k", k, 1, 1000, "images ranked per query"); }

    /** {@code --fractions} (each in (0, 1]) and {@code --repeats}. */
    public static void fractions(double[] fractions, int repeats) {
        if (fractions == null || fractions.length == 0)
            throw new IllegalArgumentException("--fractions: give at least one fraction of the labelled training images, in (0, 1]");
        for (double f : fractions)
            if (!(f > 0 && f <= 1))
                throw new IllegalArgumentException("--fractions " + f + ": each fraction of the labelled training images must be in (0, 1]");
        range("--repeats", repeats, 1, 100, "seeded subsets per fraction below 1");
    }

    /** A whole-number option in [min, max]; {@code meaning} says what it counts. */
    static void range(String option, long value, long min, long max, String meaning) {
        if (value < min || value > max)
            throw new IllegalArgumentException(option + " " + value + ": must be in [" + min + ", " + max + "] (" + meaning + ")");
    }
}
