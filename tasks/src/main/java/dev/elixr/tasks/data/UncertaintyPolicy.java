package dev.elixr.tasks.data;

import java.util.Locale;

/**
 * What to do with uncertain (-1) CheXpert labels (Irvin et al., AAAI 2019, section 4.1): U-Ignore masks them
 * (NaN, left out of losses and metrics), U-Ones counts them positive, U-Zeros negative; KEEP leaves -1.
 */
public enum UncertaintyPolicy {
    U_IGNORE, U_ONES, U_ZEROS, KEEP;

    public float apply(float v) {
        if (v != -1f) return v;
        return switch (this) { case U_IGNORE -> Float.NaN; case U_ONES -> 1f; case U_ZEROS -> 0f; case KEEP -> -1f; };
    }

    public static UncertaintyPolicy parse(String s) {
        String k = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (!k.startsWith("U_") && !k.equals("KEEP")) k = "U_" + k;
        try {
            return valueOf(k);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uncertainty policy must be U-Ignore, U-Ones, U-Zeros or keep, not '" + s + "'");
        }
    }
}
