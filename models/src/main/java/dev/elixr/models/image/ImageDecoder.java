package dev.elixr.models.image;

import dev.elixr.models.image.ImageDecodeException.Problem;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The one decoder of PNG and JPEG files, for training, evaluation, {@code forward}, {@code embed} and serving alike.
 * Refuses, with {@link ImageDecodeException} naming the file: a missing or unrecognised file; an image whose header
 * declares more than {@link #maxPixels()} pixels, before any pixel is decoded (a 1.5 MB PNG may declare 40000×40000,
 * 6 GB once decoded); and a truncated or corrupt one: decoder warnings such as "Premature end of JPEG file" count as
 * errors, so half an image never passes.
 */
public final class ImageDecoder {
    /** System property overriding the pixel limit. */
    public static final String MAX_PIXELS_PROPERTY = "elixr.image.maxPixels";
    /** 8192×8192: twice the side of a full-resolution 16-bit CXR (about 4k×4k). */
    public static final long DEFAULT_MAX_PIXELS = 8192L * 8192L;

    static { ImageIO.setUseCache(false); }

    private ImageDecoder() {}

    /** The largest width × height decoded ({@value #MAX_PIXELS_PROPERTY}, default {@value #DEFAULT_MAX_PIXELS}). */
    public static long maxPixels() { return Long.getLong(MAX_PIXELS_PROPERTY, DEFAULT_MAX_PIXELS); }

    /** Decodes the first image of a PNG or JPEG file. */
    public static BufferedImage read(Path file) throws ImageDecodeException {
        if (!Files.isRegularFile(file)) throw new ImageDecodeException(file, Problem.MISSING, "no such file");
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return read(in, file);
        } catch (IOException e) {
            if (e instanceof ImageDecodeException d) throw d;
            throw new ImageDecodeException(file, Problem.CORRUPT, "cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Decodes the first image of a PNG or JPEG held in memory (an upload, or a test's mutated file), with the same checks
     * as {@link #read(Path)}; {@code name} is the file named in a refusal.
     */
    public static BufferedImage decode(byte[] bytes, Path name) throws ImageDecodeException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            return read(in, name);
        } catch (IOException e) {
            if (e instanceof ImageDecodeException d) throw d;
            throw new ImageDecodeException(name, Problem.CORRUPT, "cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static BufferedImage read(ImageInputStream in, Path file) throws ImageDecodeException {
        List<String> warnings = new ArrayList<>();
        BufferedImage img;
        try {
            if (in == null) throw new ImageDecodeException(file, Problem.CORRUPT, "cannot open");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new ImageDecodeException(file, Problem.NOT_AN_IMAGE, "not a PNG or JPEG image (unrecognised format)");
            ImageReader reader = readers.next();
            try {
                reader.addIIOReadWarningListener((IIOReadWarningListener) (src, w) -> warnings.add(w));
                reader.setInput(in, true, true);
                checkSize(file, reader.getWidth(0), reader.getHeight(0));
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException(file, Problem.CORRUPT, "corrupt or truncated (" + e.getMessage() + ")", e);
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException(file, Problem.TOO_LARGE, "too large to decode in this JVM's heap (" + e.getMessage() + ")", e);
        }
        if (!warnings.isEmpty())
            throw new ImageDecodeException(file, Problem.CORRUPT, "corrupt or truncated (" + String.join("; ", warnings) + ")");
        return img;
    }

    private static void checkSize(Path file, int width, int height) throws ImageDecodeException {
        if (width <= 0 || height <= 0) throw new ImageDecodeException(file, Problem.CORRUPT, "header declares an empty image (" + width + "x" + height + ")");
        long pixels = (long) width * height, max = maxPixels();
        if (pixels > max)
            throw new ImageDecodeException(file, Problem.TOO_LARGE, "header declares " + width + "x" + height + " = " + pixels + " pixels, more than the limit of "
                    + max + " (-D" + MAX_PIXELS_PROPERTY + " raises it)");
    }
}
