package dev.elixr.models.elixr;

/**
 * What the contrastive loss does with two pairs of a batch (or of the negative queue) that are duplicates of each
 * other — their reports identical after normalisation, or their label vectors identical ({@code --duplicates}).
 * CXR reports repeat ("No acute cardiopulmonary process."), so plain CLIP pushes matching images and reports apart.
 */
public enum DuplicatePolicy {
    /** Plain CLIP: every other pair is a negative, duplicates included. */
    NONE,
    /** Duplicates are left out of the softmax denominator: neither positives nor negatives. */
    MASK,
    /** Duplicates become extra positives: the target is uniform over the pair itself and its duplicates. */
    POSITIVE;

    public static DuplicatePolicy parse(String s) {
        for (DuplicatePolicy p : values()) if (p.name().equalsIgnoreCase(s.trim())) return p;
        throw new IllegalArgumentException("duplicate policy '" + s + "': expected none, mask or positive");
    }
}
