package dev.elixr.models.vision;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Compound scaling against torchvision's published stage widths and depths. */
class EfficientNetConfigTest {
    private static int[] outs(EfficientNetConfig c) { return c.stages().stream().mapToInt(MBConvConfig::outChannels).toArray(); }

    private static int[] depths(EfficientNetConfig c) { return c.stages().stream().mapToInt(MBConvConfig::numLayers).toArray(); }

    @Test
    void b0() {
        var c = EfficientNetConfig.variant("b0", 3);
        assertEquals(32, c.stemChannels());
        assertArrayEquals(new int[] {16, 24, 40, 80, 112, 192, 320}, outs(c));
        assertArrayEquals(new int[] {1, 2, 2, 3, 3, 4, 1}, depths(c));
        assertEquals(1280, c.headChannels());
        assertEquals(16, c.totalBlocks());
    }

    @Test
    void b4AndB7() {
        var b4 = EfficientNetConfig.variant("b4", 3);
        assertEquals(48, b4.stemChannels());
        assertArrayEquals(new int[] {24, 32, 56, 112, 160, 272, 448}, outs(b4));
        assertArrayEquals(new int[] {2, 4, 4, 6, 6, 8, 2}, depths(b4));
        assertEquals(1792, b4.headChannels());
        var b7 = EfficientNetConfig.variant("B7", 1);
        assertEquals(64, b7.stemChannels());
        assertArrayEquals(new int[] {32, 48, 80, 160, 224, 384, 640}, outs(b7));
        assertArrayEquals(new int[] {4, 7, 7, 10, 10, 13, 4}, depths(b7));
        assertEquals(2560, b7.headChannels());
        assertEquals(1e-3f, b7.batchNormEps());
    }

    @Test
    void l2HasElixrFeatureWidth() {
        var l2 = EfficientNetConfig.variant("l2", 1);
        assertEquals(136, l2.stemChannels());
        assertEquals(1376, l2.lastBlockChannels());
        assertArrayEquals(new int[] {6, 11, 11, 16, 16, 22, 6}, depths(l2));
        assertEquals(List.of(72, 104, 176, 344, 480, 824, 1376), l2.stages().stream().map(MBConvConfig::outChannels).toList());
    }

    @Test
    void unknownVariantIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> EfficientNetConfig.variant("b9", 3));
        assertEquals("unknown EfficientNet variant 'b9' (expected b0…b7 or l2)", e.getMessage());
    }
}
