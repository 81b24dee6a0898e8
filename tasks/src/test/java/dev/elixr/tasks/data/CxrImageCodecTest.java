package dev.elixr.tasks.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.*;

class CxrImageCodecTest {
    @TempDir Path tmp;

    static GreyImage ramp(int w, int h) {
        float[] p = new float[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) p[y * w + x] = (x + y) / (float) (w + h - 2);
        return new GreyImage(w, h, p);
    }

    @Test
    void png8RoundTripsWithinHalfAGreyLevel() throws IOException {
        GreyImage g = ramp(37, 23);
        Path f = tmp.resolve("a.png");
        CxrImageCodec.writePng8(g, f);
        GreyImage back = CxrImageCodec.read(f);
        assertEquals(8, back.bitDepth());
        assertEquals(37, back.width());
        for (int i = 0; i < g.pixels().length; i++) assertEquals(g.pixels()[i], back.pixels()[i], 0.5 / 255 + 1e-6);
    }

    @Test
    void png16KeepsSixteenBitPrecision() throws IOException {
        GreyImage g = ramp(40, 30);
        Path f = tmp.resolve("a16.png");
        CxrImageCodec.writePng16(g, f);
        GreyImage back = CxrImageCodec.read(f);
        assertEquals(16, back.bitDepth());
        for (int i = 0; i < g.pixels().length; i++) assertEquals(g.pixels()[i], back.pixels()[i], 0.5 / 65535 + 1e-7);
    }

    @Test
    void jpegIsCloseAndColourBecomesGrey() throws IOException {
        GreyImage g = ramp(64, 64);
        Path f = tmp.resolve("a.jpg");
        CxrImageCodec.writeJpeg(g, f);
        GreyImage back = CxrImageCodec.read(f);
        double err = 0;
        for (int i = 0; i < g.pixels().length; i++) err = Math.max(err, Math.abs(g.pixels()[i] - back.pixels()[i]));
        assertTrue(err < 0.03, "JPEG max error " + err);
        BufferedImage rgb = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xFF0000);
        rgb.setRGB(1, 0, 0x00FF00);
        rgb.setRGB(2, 0, 0x0000FF);
        rgb.setRGB(3, 0, 0xFFFFFF);
        Path c = tmp.resolve("rgb.png");
        ImageIO.write(rgb, "png", c.toFile());
        GreyImage grey = CxrImageCodec.read(c);
        assertEquals(0.299f, grey.get(0, 0), 1e-3);
        assertEquals(0.587f, grey.get(1, 0), 1e-3);
        assertEquals(0.114f, grey.get(2, 0), 1e-3);
        assertEquals(1f, grey.get(3, 0), 1e-3);
    }

    @Test
    void badFilesGiveErrorsNamingTheFile() throws IOException {
        Path missing = tmp.resolve("missing.png");
        ImageReadException e = assertThrows(ImageReadException.class, () -> CxrImageCodec.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such file"), e.getMessage());
        Path text = tmp.resolve("notes.jpg");
        Files.writeString(text, "this is not an image");
        e = assertThrows(ImageReadException.class, () -> CxrImageCodec.read(text));
        assertTrue(e.getMessage().contains(text.toString()) && e.getMessage().contains("not a PNG or JPEG"), e.getMessage());
        for (String ext : new String[] {"jpg", "png"}) {
            Path good = tmp.resolve("good." + ext), cut = tmp.resolve("cut." + ext);
            if (ext.equals("jpg")) CxrImageCodec.writeJpeg(ramp(64, 64), good); else CxrImageCodec.writePng8(noise(64), good);
            byte[] b = Files.readAllBytes(good);
            Files.write(cut, Arrays.copyOf(b, b.length / 2));
            e = assertThrows(ImageReadException.class, () -> CxrImageCodec.read(cut), "truncated " + ext);
            assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());
            assertEquals(cut, e.file());
        }
    }

    static GreyImage noise(int n) {
        SplittableRandom r = new SplittableRandom(1);
        float[] p = new float[n * n];
        for (int i = 0; i < p.length; i++) p[i] = r.nextFloat();
        return new GreyImage(n, n, p);
    }

}
