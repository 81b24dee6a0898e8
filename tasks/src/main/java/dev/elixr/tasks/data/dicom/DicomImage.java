package dev.elixr.tasks.data.dicom;

import java.nio.file.Path;

/**
 * A decoded single-frame grey DICOM image, row-major [rows, columns].
 *
 * @param raw     stored values after Rescale Slope/Intercept only (no MONOCHROME1 inversion, no window)
 * @param display after the VOI LUT, else the VOI window, else the image's own min..max, in [0, 1], with MONOCHROME1
 *                inverted (1 − v) so that 1 is white
 * @param window  the VOI window named by the file (null if none), kept for preprocessing that applies it differently
 */
public record DicomImage(Path file, TransferSyntax syntax, PixelModule pixels, ModalityLut modality, VoiWindow window, VoiLut voiLut,
                         float[] raw, float[] display) {
    public int rows() { return pixels.rows(); }

    public int columns() { return pixels.columns(); }

    /** Which VOI transform produced {@link #display}: "VOI LUT", "window C/W FUNCTION" or "min-max". */
    public String voiDescription() {
        if (voiLut != null) return "VOI LUT";
        if (window != null) return "window " + window.center() + "/" + window.width() + " " + window.function();
        return "min-max";
    }
}
