package dev.elixr.models.hf;

import dev.elixr.models.testing.Fixtures;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InputChannelsTest {
    @Test
    void rgbKernelsSumToGreyAndGreyRepeatsToRgb() {
        Tensor w = Tensor.arange(2 * 3 * 2 * 2).reshape(2, 3, 2, 2);
        Tensor grey = InputChannels.adapt("w", w, 1);
        assertArrayEquals(new int[] {2, 1, 2, 2}, grey.shape());
        assertEquals(0 + 4 + 8, grey.get(0, 0, 0, 0));
        assertEquals(15 + 19 + 23, grey.get(1, 0, 1, 1));
        Tensor rgb = InputChannels.adapt("w", grey, 3);
        assertEquals(12f / 3, rgb.get(0, 2, 0, 0), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> InputChannels.adapt("w", w, 2));
    }

    @Test
    void greyModelsLoadFromRgbFolders() {
        var vit = HfModels.vit(HfFolder.open(Fixtures.path("vit")), false, 1);
        assertEquals(1, vit.config().numChannels());
        assertArrayEquals(new int[] {32, 1, 8, 8}, vit.stateDict().get("embeddings.patch_embeddings.projection.weight").shape());
        var net = HfModels.efficientNet(HfFolder.open(Fixtures.path("efficientnet")), false, 1);
        assertEquals(1, net.config().inChannels());
        assertArrayEquals(new int[] {8, 1, 3, 3}, net.stateDict().get("features.0.0.weight").shape());
    }
}
