package dev.elixr.tasks.data;

import dev.elixr.models.image.ImageDecodeException;
import dev.elixr.models.image.ImageDecoder;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decoding and encoding of chest X-ray images: 8- and 16-bit grey PNG and JPEG; colour images become grey
 * (ITU-R BT.601 luma). Decoding is {@link ImageDecoder}'s (pixel limit checked from the header, decoder warnings as
 * errors); a file it refuses raises {@link ImageReadException} naming it.
 */
public final class CxrImageCodec {
    private CxrImageCodec() {}

    static { ImageIO.setUseCache(false); }

    /** Reads a PNG or JPEG file as a grey image with values in [0, 1] ({@link ImageDecoder}: limits, warnings as errors). */
    public static GreyImage read(Path file) throws ImageReadException {
        try {
            return toGrey(ImageDecoder.read(file));
        } catch (ImageDecodeException e) {
            throw new ImageReadException(file, e.problem(), e.reason(), e.getCause());
        }
    }

    /** A PNG or JPEG held in memory, decoded as {@link #read} decodes a file; {@code name} is the file a refusal names. */
    public static GreyImage decode(byte[] bytes, Path name) throws ImageReadException {
        try {
            return toGrey(ImageDecoder.decode(bytes, name));
        } catch (ImageDecodeException e) {
            throw new ImageReadException(name, e.problem(), e.reason(), e.getCause());
        }
    }

    /** Converts any BufferedImage to grey values in [0, 1], keeping 16-bit precision where the raster has it. */
    public static GreyImage toGrey(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        float[] px = new float[w * h];
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        int bits = img.getColorModel().getComponentSize(0);
        if (img.getType() == BufferedImage.TYPE_BYTE_GRAY && r.getDataBuffer() instanceof DataBufferByte db
                && r.getSampleModel() instanceof ComponentSampleModel) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) px[y * w + x] = row[x] / 255f;
            }
            return new GreyImage(w, h, px, 8);
        }
        if (bands <= 2 && img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            float max = (1 << bits) - 1;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) px[y * w + x] = row[x] / max;
            }
            return new GreyImage(w, h, px, r.getDataBuffer() instanceof DataBufferUShort ? 16 : bits);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                px[y * w + x] = (0.299f * ((rgb >> 16) & 255) + 0.587f * ((rgb >> 8) & 255) + 0.114f * (rgb & 255)) / 255f;
            }
        }
        return new GreyImage(w, h, px, 8);
    }

    /** An 8-bit grey BufferedImage of values in [0, 1] (clamped, rounded). */
    public static BufferedImage toGrey8(GreyImage g) {
        BufferedImage img = new BufferedImage(g.width(), g.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        float[] p = g.pixels();
        for (int i = 0; i < p.length; i++) data[i] = (byte) Math.round(Math.clamp(p[i], 0f, 1f) * 255f);
        return img;
    }

    /** A 16-bit grey BufferedImage of values in [0, 1] (clamped, rounded). */
    public static BufferedImage toGrey16(GreyImage g) {
        BufferedImage img = new BufferedImage(g.width(), g.height(), BufferedImage.TYPE_USHORT_GRAY);
        short[] data = ((DataBufferUShort) img.getRaster().getDataBuffer()).getData();
        float[] p = g.pixels();
        for (int i = 0; i < p.length; i++) data[i] = (short) Math.round(Math.clamp(p[i], 0f, 1f) * 65535f);
        return img;
    }

    /** Encodes an image as baseline JPEG with the given quality (0..1); the bytes are deterministic. */
    public static byte[] encodeJpeg(BufferedImage img, float quality) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 15);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Encodes an image as PNG (8- or 16-bit grey according to the image type). */
    public static byte[] encodePng(BufferedImage img) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 15);
        if (!ImageIO.write(img, "png", bytes)) throw new IOException("no PNG writer for image type " + img.getType());
        return bytes.toByteArray();
    }

    /** Writes a grey image as JPEG (quality 0.95). */
    public static void writeJpeg(GreyImage g, Path file) throws IOException { write(file, encodeJpeg(toGrey8(g), 0.95f)); }

    /** Writes a grey image as 8-bit PNG. */
    public static void writePng8(GreyImage g, Path file) throws IOException { write(file, encodePng(toGrey8(g))); }

    /** Writes a grey image as 16-bit PNG. */
    public static void writePng16(GreyImage g, Path file) throws IOException { write(file, encodePng(toGrey16(g))); }

    private static void write(Path file, byte[] bytes) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) { out.write(bytes); }
    }
}
