package dev.elixr.tasks.eval;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.Finding;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What an image shows, as far as the ground truth says: each finding labelled present (CheXpert 1) with its
 * known attributes (keys such as {@code laterality}, {@code severity}, {@code zone}, {@code kind}; values lower
 * case; a multi-valued attribute lists its values separated by ';'). Real data sets without structured truth give
 * findings with empty attribute maps.
 */
public record StudyTruth(Map<String, Map<String, String>> present) {
    /**
     * The truth of a study: from its structured attributes when the data set has them ({@code structured}, the
     * synthetic data: what the image shows, even where the report missed it), else from its positive labels.
     */
    public static StudyTruth of(CxrStudy s, boolean structured) {
        Map<String, Map<String, String>> present = new LinkedHashMap<>();
        if (structured) {
            for (Finding f : s.attributes()) {
                Map<String, String> a = present.computeIfAbsent(f.label().column(), k -> new LinkedHashMap<>());
                if (f.laterality() != null) a.merge("laterality", f.laterality().word(), StudyTruth::join);
                if (f.severity() != null) a.merge("severity", f.severity().word(), StudyTruth::join);
                if (f.zone() != null) a.merge("zone", f.zone().word(), StudyTruth::join);
                if (f.kind() != null) a.merge("kind", f.kind().toLowerCase(Locale.ROOT), StudyTruth::join);
            }
        } else {
            for (CheXpertLabel l : CheXpertLabel.FINDINGS) if (s.label(l) == 1f) present.put(l.column(), Map.of());
        }
        return new StudyTruth(present);
    }

    private static String join(String a, String b) {
        return a.equals(b) ? a : a + ";" + b;
    }

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
