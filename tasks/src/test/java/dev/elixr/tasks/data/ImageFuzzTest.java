package dev.elixr.tasks.data;

import dev.elixr.models.image.ImageDecoder;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 12,000 seeded mutations of small PNG (8-bit grey, 16-bit grey, RGB) and JPEG files, plus header rewrites declaring
 * random sizes, decoded from memory through {@link CxrImageCodec#decode} ({@link dev.elixr.models.image.ImageDecoder}'s
 * checks, as training, evaluation and {@code forward} read files): each input decodes to a consistent grey image with
 * values in [0, 1], or is refused with an {@link ImageReadException} naming it. Any other exception or error
 * (OutOfMemoryError included) or an input over 20 s fails the test with its number. The pixel limit is lowered to
 * 2^20 here ({@code -Delixr.image.maxPixels}, as an operator would set it): a truncated JPEG whose header declares a
 * size just below the default limit is a legitimate full-size decode (0.5 s and hundreds of MB each), which would
 * make the test slow without testing anything more.
 */
class ImageFuzzTest {
    static final int INPUTS = 12_000;
    static final long SEED = 0x1A6E5L;

    @Test
    void everyMutatedImageDecodesOrIsRefusedNamingTheFile() throws Exception {
        String before = System.getProperty(ImageDecoder.MAX_PIXELS_PROPERTY);
        System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, Long.toString(1L << 20));
        try {
            fuzz();
        } finally {
            if (before == null) System.clearProperty(ImageDecoder.MAX_PIXELS_PROPERTY);
            else System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, before);
        }
    }

    private static void fuzz() throws Exception {
        List<byte[]> seeds = List.of(
                CxrImageCodec.encodePng(CxrImageCodec.toGrey8(gradient(24, 20))),
                CxrImageCodec.encodePng(CxrImageCodec.toGrey16(gradient(20, 24))),
                CxrImageCodec.encodePng(rgb(16, 16)),
                CxrImageCodec.encodeJpeg(CxrImageCodec.toGrey8(gradient(32, 24)), 0.9f),
                CxrImageCodec.encodeJpeg(rgb(24, 16), 0.8f));
        var outcome = Fuzz.run(INPUTS, 20, i -> {
            SplittableRandom rnd = new SplittableRandom(SEED + i);
            byte[] base = seeds.get(rnd.nextInt(seeds.size()));
            String how = rnd.nextInt(8) == 0 ? "size" : Fuzz.MUTATIONS[rnd.nextInt(Fuzz.MUTATIONS.length)];
            byte[] bytes = how.equals("size") ? declareSize(base, rnd) : Fuzz.mutate(base, how, 2, rnd);
            Path name = Path.of("fuzz-" + i + "-" + how + (base[0] == (byte) 0x89 ? ".png" : ".jpg"));
            try {
                GreyImage g = CxrImageCodec.decode(bytes, name);
                assertTrue(g.width() > 0 && g.height() > 0, name.toString());
                assertEquals(g.width() * g.height(), g.pixels().length, name.toString());
                for (float v : g.pixels()) assertTrue(v >= 0 && v <= 1, name + ": pixel " + v);
                return true;
            } catch (ImageReadException e) {
                assertEquals(name, e.file());
                assertTrue(e.getMessage().contains(name.toString()), e.getMessage());
                return false;
            }
        });
        assertEquals(INPUTS, outcome.accepted() + outcome.refused());
        assertTrue(outcome.accepted() > 500 && outcome.refused() > 2000,
                outcome + ": the mutations should reach both outcomes");
    }

    /** The PNG IHDR or the JPEG SOF0 rewritten to declare a random width and height (mostly beyond the pixel limit). */
    static byte[] declareSize(byte[] in, SplittableRandom rnd) {
        byte[] b = in.clone();
        boolean small = rnd.nextBoolean();
        int w = small ? rnd.nextInt(1, 600) : rnd.nextInt(), h = small ? rnd.nextInt(1, 600) : rnd.nextInt();
        if (b[0] == (byte) 0x89) {  // PNG: IHDR data starts at byte 16, width and height big-endian 32-bit
            put(b, 16, w, 4);
            put(b, 20, h, 4);
            return b;
        }
        for (int i = 2; i + 8 < b.length; i++)  // JPEG: FFC0 length(2) precision(1) height(2) width(2)
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xC0) {
                put(b, i + 5, h, 2);
                put(b, i + 7, w, 2);
                break;
            }
        return b;
    }

    private static void put(byte[] b, int at, int v, int bytes) {
        for (int k = 0; k < bytes; k++) b[at + k] = (byte) (v >>> (8 * (bytes - 1 - k)));
    }

    static GreyImage gradient(int w, int h) {
        float[] px = new float[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) px[y * w + x] = (x + 2f * y) / (w + 2f * h);
        return new GreyImage(w, h, px);
    }

    static BufferedImage rgb(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 16) << 16 | (y * 16) << 8 | ((x + y) * 8));
        return img;
    }
}
