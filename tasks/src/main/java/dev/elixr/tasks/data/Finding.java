package dev.elixr.tasks.data;

import java.util.Locale;

/**
 * One finding as structured truth: its CheXpert label and, where they apply, laterality, severity (size),
 * lung zone and a kind (e.g. "nodule" or "mass" for a lung lesion, "endotracheal tube" for a support device).
 * Attributes that do not apply are {@code null}.
 */
public record Finding(CheXpertLabel label, Laterality laterality, Severity severity, Zone zone, String kind) {

    /** Side of the patient (not of the image: the patient's right is on the image's left in a PA view). */
    public enum Laterality {
        LEFT, RIGHT, BILATERAL;
        public String word() { return name().toLowerCase(Locale.ROOT); }
        /** The other side; bilateral stays bilateral. */
        public Laterality opposite() { return this == LEFT ? RIGHT : this == RIGHT ? LEFT : BILATERAL; }
    }

    /** Size or severity. */
    public enum Severity {
        SMALL, MODERATE, LARGE;
        public String word() { return name().toLowerCase(Locale.ROOT); }
        /** Severity words as radiologists use them for diffuse processes (edema): mild / moderate / severe. */
        public String gradeWord() { return switch (this) { case SMALL -> "mild"; case MODERATE -> "moderate"; case LARGE -> "severe"; }; }
    }

    /** Lung zone: upper, middle or lower third of the lung field. */
    public enum Zone {
        UPPER, MIDDLE, LOWER;
        public String word() { return name().toLowerCase(Locale.ROOT); }
    }

    public static Finding of(CheXpertLabel label) { return new Finding(label, null, null, null, null); }

    public Finding withLaterality(Laterality l) { return new Finding(label, l, severity, zone, kind); }

    public Finding withSeverity(Severity s) { return new Finding(label, laterality, s, zone, kind); }

    /** Parses an enum attribute written by {@link #toString()}-style CSVs; blank gives null. */
    public static <E extends Enum<E>> E parse(Class<E> type, String s) {
        if (s == null || s.isBlank()) return null;
        return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT));
    }
}
