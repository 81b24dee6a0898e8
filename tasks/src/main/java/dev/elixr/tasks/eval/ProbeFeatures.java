package dev.elixr.tasks.eval;

import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.data.ImageBank;

import java.util.Locale;

/**
 * The frozen image representation a data-efficient probe reads (ELIXR section 2.3): the image tower's pooled
 * features before the projection, or the L2-normalised embedding in the shared image-text space.
 */
public enum ProbeFeatures {
    POOLED, EMBEDDING;

    public static final ProbeFeatures DEFAULT = POOLED;

    public float[][] of(ElixrCRun run, ImageBank bank) {
        return this == POOLED ? run.imageFeatures(bank) : run.embedImages(bank);
    }

    public static ProbeFeatures parse(String s) {
        for (ProbeFeatures f : values()) if (f.name().equalsIgnoreCase(s.trim())) return f;
        throw new IllegalArgumentException("probe features '" + s + "': expected pooled or embedding");
    }

    public String key() { return name().toLowerCase(Locale.ROOT); }
}
