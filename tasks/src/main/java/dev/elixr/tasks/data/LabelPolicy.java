package dev.elixr.tasks.data;

import java.util.Locale;

/**
 * How an evaluation turns CheXpert label values into binary ground truth: 1 is positive and 0 negative; an uncertain
 * label (-1) and a blank one (NaN, "not mentioned") are each ignored (the image is left out for that finding),
 * counted negative or counted positive (Irvin et al., AAAI 2019, section 4.1: U-Ignore, U-Zeros, U-Ones).
 * The default, {@link #IGNORE_BOTH}, scores only images whose report explicitly affirms or negates the finding.
 */
public record LabelPolicy(Treatment uncertain, Treatment blank) {

    /** What to do with a label that is neither 1 nor 0. */
    public enum Treatment {
        IGNORE(Float.NaN), NEGATIVE(0f), POSITIVE(1f);

        private final float value;

        Treatment(float value) { this.value = value; }

        /** Lower-case name as written in options and metrics.json ({@code ignore}, {@code negative}, {@code positive}). */
        public String word() { return name().toLowerCase(Locale.ROOT); }

        public static Treatment parse(String s) {
            for (Treatment t : values()) if (t.word().equals(s.trim().toLowerCase(Locale.ROOT))) return t;
            throw new IllegalArgumentException("label treatment must be ignore, negative or positive, not '" + s + "'");
        }
    }

    /** Uncertain and blank labels both left out (the evaluations' behaviour before this option existed). */
    public static final LabelPolicy IGNORE_BOTH = new LabelPolicy(Treatment.IGNORE, Treatment.IGNORE);

    public LabelPolicy {
        if (uncertain == null || blank == null) throw new IllegalArgumentException("LabelPolicy: null treatment");
    }

    /** 1 or 0 for a label value under this policy, NaN when the image is to be left out. */
    public double binary(float label) {
        if (label == 1f) return 1.0;
        if (label == 0f) return 0.0;
        if (label == -1f) return uncertain.value;
        if (Float.isNaN(label)) return blank.value;
        throw new IllegalArgumentException("LabelPolicy: CheXpert label must be 1, 0, -1 or blank (NaN), got " + label);
    }

    @Override
    public String toString() {
        return "uncertain " + uncertain.word() + ", blank " + blank.word();
    }
}
