package dev.elixr.spark;

import java.io.Serializable;

/**
 * One image of an archive listing, as the Spark tasks receive it: its id (unique within the listing), the study
 * metadata the listing gives ("" where it gives none) and the path of its file (PNG, JPEG or DICOM Part 10), which
 * every executor must be able to read.
 */
public record ArchiveImage(String id, String studyId, String subjectId, String split, String view, String path) implements Serializable {
    public ArchiveImage {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("archive image without an id (path " + path + ")");
        if (path == null || path.isBlank()) throw new IllegalArgumentException("archive image '" + id + "' without a path");
        studyId = nz(studyId);
        subjectId = nz(subjectId);
        split = nz(split);
        view = nz(view);
    }

    private static String nz(String s) { return s == null ? "" : s; }
}
