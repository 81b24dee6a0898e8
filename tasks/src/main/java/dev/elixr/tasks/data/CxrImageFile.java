package dev.elixr.tasks.data;

import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.models.image.ImageDecodeException;
import dev.elixr.tasks.data.dicom.CxrFoundationPreprocess;
import dev.elixr.tasks.data.dicom.DicomImage;
import dev.elixr.tasks.data.dicom.DicomReader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Stage 1 of the {@link ImagePipeline}: any chest X-ray file the project reads (a DICOM Part 10 file, recognised by
 * {@code DICM} after its preamble whatever its name, else PNG or JPEG) to grey values in [0, 1], in one of the two
 * decodings an {@link ImagePreprocessing} can name: {@link ImagePreprocessing#DISPLAY} (ours: a DICOM's display image
 * through {@link DicomReader}, a PNG/JPEG's grey values through {@link CxrImageCodec}) or
 * {@link ImagePreprocessing#CXR_FOUNDATION} (the released model's 16-bit image, {@link CxrFoundationPreprocess}, / 65535).
 */
public final class CxrImageFile {
    private CxrImageFile() {}

    /** The file decoded as {@code decode} says; an unreadable file raises {@link ImageReadException} naming it. */
    public static GreyImage read(Path file, String decode) throws ImageReadException {
        boolean cxrFoundation = ImagePreprocessing.CXR_FOUNDATION.equals(decode);
        if (isDicom(file)) {
            DicomImage d;
            try {
                d = new DicomReader().read(file);
            } catch (IOException e) {
                throw new ImageReadException(file, ImageDecodeException.Problem.CORRUPT, e.getMessage(), e); // malformed, unsupported or over a limit: the message says which
            }
            float[] px = cxrFoundation ? unit(CxrFoundationPreprocess.apply(d)) : d.display();
            return new GreyImage(d.columns(), d.rows(), px, d.pixels().bitsStored());
        }
        return decoded(CxrImageCodec.read(file), decode);
    }

    /**
     * A PNG or JPEG already decoded by {@link CxrImageCodec} (grey values in [0, 1] at its bit depth, e.g. an upload to
     * {@code elixr serve}) as {@code decode} says: as it is for {@link ImagePreprocessing#DISPLAY}, CXR Foundation's
     * shift and stretch of the stored values to 16 bits for {@link ImagePreprocessing#CXR_FOUNDATION}.
     */
    public static GreyImage decoded(GreyImage g, String decode) {
        if (!ImagePreprocessing.CXR_FOUNDATION.equals(decode)) return g;
        double scale = (1 << g.bitDepth()) - 1;
        double[] stored = new double[g.pixels().length];
        for (int i = 0; i < stored.length; i++) stored[i] = Math.round(g.pixels()[i] * scale);
        return new GreyImage(g.width(), g.height(), unit(CxrFoundationPreprocess.shiftAndStretch(stored)), 16);
    }

    /** Whether the file is DICOM Part 10 ('DICM' at byte 128); a file that cannot be opened is reported naming it. */
    public static boolean isDicom(Path file) throws ImageReadException {
        try {
            return DicomReader.isDicom(file);
        } catch (IOException e) {
            throw new ImageReadException(file, e instanceof java.nio.file.NoSuchFileException ? ImageDecodeException.Problem.MISSING
                    : ImageDecodeException.Problem.CORRUPT, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    private static float[] unit(float[] sixteenBit) {
        float[] out = new float[sixteenBit.length];
        for (int i = 0; i < out.length; i++) out[i] = sixteenBit[i] / 65535f;
        return out;
    }
}
