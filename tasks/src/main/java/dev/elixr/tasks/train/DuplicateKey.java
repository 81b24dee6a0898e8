package dev.elixr.tasks.train;

import dev.elixr.tasks.data.CxrStudy;

import java.util.Locale;

/**
 * What makes two training pairs duplicates for the contrastive loss ({@code --duplicate-key}): the report text they
 * were given, normalised (lower case, punctuation and runs of spaces folded), or the study's CheXpert label vector.
 * Groups are 64-bit FNV-1a hashes, so pairs of a batch and of the negative queue compare in constant time.
 */
public enum DuplicateKey {
    TEXT, LABELS;

    public static DuplicateKey parse(String s) {
        for (DuplicateKey k : values()) if (k.name().equalsIgnoreCase(s.trim())) return k;
        throw new IllegalArgumentException("duplicate key '" + s + "': expected text or labels");
    }

    /** The duplicate group of a pair: its study and the text it was trained with at this step. */
    public long group(CxrStudy study, String text) {
        return this == TEXT ? fnv(normalise(text)) : labels(study.labels());
    }

    /** Lower case, every run of characters other than letters and digits folded to one space, trimmed. */
    static String normalise(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
    }

    static long labels(float[] labels) {
        StringBuilder sb = new StringBuilder();
        for (float l : labels) sb.append(Float.isNaN(l) ? "_" : Integer.toString((int) l)).append(',');
        return fnv(sb.toString());
    }

    static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
