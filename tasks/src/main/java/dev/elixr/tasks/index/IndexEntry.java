package dev.elixr.tasks.index;

/**
 * One indexed image: its ids, split, an L2-normalised embedding and (optionally, may be null) a small PNG thumbnail.
 */
public record IndexEntry(String id, String studyId, String subjectId, String split, float[] vector, byte[] thumbnailPng) {
    public IndexEntry {
        if (id == null || id.isEmpty()) throw new IllegalArgumentException("index entry: empty id");
    }
}
