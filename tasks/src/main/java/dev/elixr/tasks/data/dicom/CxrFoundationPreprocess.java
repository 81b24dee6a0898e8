package dev.elixr.tasks.data.dicom;

/**
 * The preprocessing of Google's released CXR Foundation / ELIXR (google/cxr-foundation: _apply_pydicom_prep, then
 * image_utils.shift_to_unsigned and rescale_dynamic_range before the 16-bit PNG the model reads): from the modality
 * values, the VOI window when the file has one, mapping [c − w/2, c − 1 + w/2] onto 0..65535; MONOCHROME1 as
 * max − v; then the minimum shifted to zero and the full range stretched onto 0..65535. Each mapping is numpy's
 * {@code np.interp} followed by a cast to uint16 (truncation), reproduced here in double. Values are 0..65535.
 * Unlike the release, the window maps onto 16 bits whatever the stored type (the release uses the array's integer
 * range and fails on rescaled, floating-point arrays).
 */
public final class CxrFoundationPreprocess {
    private static final double MAX = 65535;

    private CxrFoundationPreprocess() {}

    /** The 16-bit image CXR Foundation would encode from this DICOM image. */
    public static float[] apply(DicomImage image) {
        double[] v = new double[image.raw().length];
        for (int i = 0; i < v.length; i++) v[i] = image.raw()[i];
        VoiWindow w = image.window();
        if (w != null) {
            double lo = w.center() - w.width() / 2, hi = w.center() - 1 + w.width() / 2;
            for (int i = 0; i < v.length; i++) v[i] = truncate(interp(Math.min(Math.max(v[i], lo), hi), lo, hi)); // np.clip, then np.interp
        }
        if (image.pixels().monochrome1()) {
            double max = max(v);
            for (int i = 0; i < v.length; i++) v[i] = max - v[i];
        }
        return shiftAndStretch(v);
    }

    /** Shift the minimum to zero and stretch min..max onto 0..65535 (truncated); a constant image becomes all 65535, as np.interp gives. */
    public static float[] shiftAndStretch(double[] v) {
        double min = min(v);
        double lo = 0, hi = max(v) - min;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) truncate(interp(v[i] - min, lo, hi));
        return out;
    }

    /** np.interp(x, (lo, hi), (0, 65535)) for lo <= x: the right end exactly at or past hi, else slope·(x − lo). */
    static double interp(double x, double lo, double hi) {
        if (x >= hi) return MAX;
        if (x <= lo) return 0;
        double slope = MAX / (hi - lo);
        return slope * (x - lo);
    }

    private static double truncate(double v) { return Math.floor(v); }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) m = Math.min(m, x);
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }
}
