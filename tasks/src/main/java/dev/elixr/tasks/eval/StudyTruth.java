package dev.elixr.tasks.eval;

import java.util.Map;

/**
 * What an image shows, as far as the ground truth says: each finding labelled present (CheXpert 1) with its
 * known attributes (keys such as {@code laterality}, {@code severity}, {@code zone}, {@code kind}; values lower
 * case; a multi-valued attribute lists its values separated by ';'). Real data sets without structured truth give
 * findings with empty attribute maps.
 */
public record StudyTruth(Map<String, Map<String, String>> present) {
    public boolean has(String finding) {
        return present.containsKey(finding);
    }

    /** True when the finding is present and its attribute {@code key} has {@code value} (or lists it). */
    public boolean attributeMatches(String finding, String key, String value) {
        Map<String, String> attrs = present.get(finding);
        if (attrs == null) return false;
        String v = attrs.get(key);
        if (v == null) return false;
        for (String part : v.split(";")) if (part.trim().equalsIgnoreCase(value)) return true;
        return false;
    }
}
