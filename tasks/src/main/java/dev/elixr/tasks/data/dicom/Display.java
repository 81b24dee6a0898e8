package dev.elixr.tasks.data.dicom;

/**
 * The grey-scale display pipeline (PS3.4 N.2.1.1): the Modality LUT, then the VOI LUT when the file has one (preferred
 * over the window, as pydicom does), else the VOI window, else the image's own min..max; then MONOCHROME1 inverted.
 * Output in [0, 1], 1 white. Modality values are recomputed in double from the stored values, never kept.
 */
final class Display {
    private Display() {}

    static float[] apply(int[] stored, ModalityLut modality, VoiLut lut, VoiWindow window, boolean monochrome1) {
        float[] out = new float[stored.length];
        if (lut != null) {
            for (int i = 0; i < out.length; i++) out[i] = (float) invert(lut.apply(modality.apply(stored[i])), monochrome1);
        } else if (window != null) {
            for (int i = 0; i < out.length; i++) out[i] = (float) invert(window.apply(modality.apply(stored[i])), monochrome1);
        } else {
            minMax(stored, modality, out, monochrome1);
        }
        return out;
    }

    /** (x − min) / (max − min) of the modality values, 0 everywhere for a constant image. */
    private static void minMax(int[] stored, ModalityLut modality, float[] out, boolean monochrome1) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int s : stored) {
            double x = modality.apply(s);
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        for (int i = 0; i < out.length; i++) {
            double v = hi == lo ? 0 : (modality.apply(stored[i]) - lo) / (hi - lo);
            out[i] = (float) invert(v, monochrome1);
        }
    }

    private static double invert(double v, boolean monochrome1) { return monochrome1 ? 1 - v : v; }
}
