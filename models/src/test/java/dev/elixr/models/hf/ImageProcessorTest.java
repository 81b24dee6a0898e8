package dev.elixr.models.hf;

import dev.elixr.models.testing.Fixtures;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageProcessorTest {
    @TempDir Path tmp;

    @Test
    void sixteenBitGreyPngIsReadAtFullPrecisionAndReplicatedToRgb() throws IOException {
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_USHORT_GRAY);
        for (int x = 0; x < 4; x++) for (int y = 0; y < 2; y++) img.getRaster().setSample(x, y, 0, x * 20000 + y);
        Path png = tmp.resolve("cxr.png");
        ImageIO.write(img, "png", png.toFile());
        var p = new ImageProcessor(3, 2, 4, false, true, ImageProcessor.HALF, ImageProcessor.HALF);
        Tensor t = p.load(png);
        assertArrayEquals(new int[] {1, 3, 2, 4}, t.shape());
        assertEquals((60001 / 65535f - 0.5f) / 0.5f, t.get(0, 2, 1, 3), 1e-6);
        assertEquals(-1f, t.get(0, 0, 0, 0), 1e-6);
    }

    @Test
    void rgbJpegBecomesLuminanceForOneChannel() throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 8; x++) for (int y = 0; y < 8; y++) img.setRGB(x, y, 0x808080);
        Path png = tmp.resolve("rgb.png");
        ImageIO.write(img, "png", png.toFile());
        Tensor t = new ImageProcessor(1, 4, 4, true, false, ImageProcessor.HALF, ImageProcessor.HALF).load(png);
        assertArrayEquals(new int[] {1, 1, 4, 4}, t.shape());
        for (float v : t.toFloatArray()) assertEquals(128 / 255f, v, 1e-5);
    }

    @Test
    void bilinearMatchesHalfPixelCentres() {
        float[] src = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, Bilinear.resize(src, 4, 4, 2, 2), 1e-6f);
        // torch.nn.functional.interpolate([[0,1],[2,3]], size=(3,3), mode="bilinear", align_corners=False)
        assertArrayEquals(new float[] {0f, 0.5f, 1f, 1f, 1.5f, 2f, 2f, 2.5f, 3f},
                Bilinear.resize(new float[] {0, 1, 2, 3}, 2, 2, 3, 3), 1e-6f);
    }

    @Test
    void preprocessorConfigOverridesDefaults() throws IOException {
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir);
        Files.copy(Fixtures.path("vit/config.json"), dir.resolve("config.json"));
        Files.writeString(dir.resolve("preprocessor_config.json"),
                "{\"size\":{\"height\":16,\"width\":24},\"image_mean\":[0.1,0.2,0.3],\"image_std\":[1,2,3]}");
        var p = ImageProcessor.of(HfFolder.open(dir), 3, 32, ImageProcessor.HALF, ImageProcessor.HALF);
        assertEquals(16, p.height());
        assertEquals(24, p.width());
        assertEquals(0.3f, p.mean()[2]);
        var e = assertThrows(UncheckedIOException.class, () -> p.load(dir.resolve("config.json")));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("not a PNG or JPEG"), e.getMessage());
    }
}
