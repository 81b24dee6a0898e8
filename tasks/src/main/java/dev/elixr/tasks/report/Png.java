package dev.elixr.tasks.report;

import java.awt.image.DataBufferByte;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Encodes a grey image (row-major floats) as an 8-bit PNG, stretching its min..max to 0..255. */
public final class Png {
    private Png() {}

    public static byte[] grey(float[] pixels, int height, int width) {
        if (pixels.length != height * width)
            throw new IllegalArgumentException("Png.grey: " + pixels.length + " pixels for " + height + "x" + width);
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float p : pixels) { lo = Math.min(lo, p); hi = Math.max(hi, p); }
        float scale = hi > lo ? 255f / (hi - lo) : 0f;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i++) data[i] = (byte) Math.round((pixels[i] - lo) * scale);
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Png.grey: encoding failed", e);
        }
    }
}
