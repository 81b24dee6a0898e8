package dev.elixr.models.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderTest {
    @TempDir Path dir;

    /** A PNG of a few hundred kilobytes whose header declares width × height grey 8-bit pixels (the rows are not all there). */
    static byte[] pngDeclaring(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 0, 0, 0, 0});
        chunk(out, "IHDR", ihdr.toByteArray());
        Deflater d = new Deflater(9);
        d.setInput(new byte[1 << 20]);
        d.finish();
        byte[] buf = new byte[1 << 20];
        chunk(out, "IDAT", Arrays.copyOf(buf, d.deflate(buf)));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream o = new DataOutputStream(out);
        o.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        o.write(t);
        o.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        o.writeInt((int) crc.getValue());
    }

    @Test void aPngDeclaring40000x40000PixelsIsRefusedFromItsHeaderNamingTheFile() throws IOException {
        Path bomb = dir.resolve("bomb.png");
        Files.write(bomb, pngDeclaring(40_000, 40_000));
        var e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.read(bomb));
        assertTrue(e.getMessage().contains(bomb.toString()) && e.getMessage().contains("40000x40000"), e.getMessage());
        assertTrue(e.getMessage().contains(ImageDecoder.MAX_PIXELS_PROPERTY), "says how to raise the limit: " + e.getMessage());
    }

    @Test void aTruncatedJpegIsRefusedNotDecodedInHalf() throws IOException {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 48; y++) for (int x = 0; x < 64; x++) img.getRaster().setSample(x, y, 0, (x * 4 + y) & 255);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", jpeg);
        Path whole = dir.resolve("whole.jpg"), half = dir.resolve("half.jpg");
        Files.write(whole, jpeg.toByteArray());
        Files.write(half, Arrays.copyOf(jpeg.toByteArray(), jpeg.size() / 2));
        BufferedImage decoded = ImageDecoder.read(whole);
        assertEquals(64, decoded.getWidth());
        assertEquals(48, decoded.getHeight());
        var e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.read(half));
        assertTrue(e.getMessage().contains(half.toString()) && e.reason().contains("truncated"), e.getMessage());
    }

    @Test void aMissingFileAndANonImageAreRefusedNamingTheFile() throws IOException {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image");
        for (Path p : new Path[] {dir.resolve("missing.png"), text}) {
            var e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.read(p));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
    }
}
