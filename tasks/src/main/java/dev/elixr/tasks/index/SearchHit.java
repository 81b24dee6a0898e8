package dev.elixr.tasks.index;

/** One search result: the image's ids and split, its exact similarity to the query (dot product of unit vectors), its thumbnail or null. */
public record SearchHit(String id, String studyId, String subjectId, String split, double score, byte[] thumbnailPng) {}
