package dev.elixr.tasks.data.dicom;

/**
 * The VOI window (PS3.3 C.11.2.1.2): Window Center and Width (the first pair when several are given) and the VOI LUT
 * Function LINEAR (C.11.2.1.2.1), LINEAR_EXACT (C.11.2.1.3.2) or SIGMOID (C.11.2.1.3.1), mapped onto [0, 1].
 */
public record VoiWindow(double center, double width, Function function) {
    public enum Function { LINEAR, LINEAR_EXACT, SIGMOID }

    /** The window a data set names, or null when it has no Window Center and Width. */
    static VoiWindow of(DataSet ds) throws DicomException {
        double c = ds.firstDecimal(DicomTag.WINDOW_CENTER), w = ds.firstDecimal(DicomTag.WINDOW_WIDTH);
        if (Double.isNaN(c) || Double.isNaN(w)) return null;
        String name = ds.text(DicomTag.VOI_LUT_FUNCTION);
        Function f;
        try {
            f = name == null || name.isEmpty() ? Function.LINEAR : Function.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ds.bad(ds.get(DicomTag.VOI_LUT_FUNCTION), "unknown VOI LUT Function '" + (name.length() > 32 ? name.substring(0, 32) : name) + "'");
        }
        if (f == Function.LINEAR ? w < 1 : w <= 0) {
            throw ds.bad(ds.get(DicomTag.WINDOW_WIDTH), "width " + w + " is not allowed for " + f + " (needs " + (f == Function.LINEAR ? ">= 1)" : "> 0)"));
        }
        return new VoiWindow(c, w, f);
    }

    /** The windowed value of a modality value x, in [0, 1] (0 at or below the window, 1 above it). */
    public double apply(double x) {
        return switch (function) {
            case SIGMOID -> 1 / (1 + Math.exp(-4 * (x - center) / width));
            case LINEAR -> linear(x, center - 0.5, width - 1);
            case LINEAR_EXACT -> linear(x, center, width);
        };
    }

    private static double linear(double x, double c, double w) {
        if (x <= c - w / 2) return 0;
        if (x > c + w / 2) return 1;
        return (x - c) / w + 0.5;
    }
}
