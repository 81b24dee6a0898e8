package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Finding;
import dev.elixr.tasks.data.GreyImage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An endotracheal tube shows on the demo's 96-pixel films as it does on real ones: over the trachea and the upper
 * mediastinum (where the film is near saturation) its radiopaque stripe must still brighten the image. Each of 40
 * studies is rendered with and without the tube; outside the lungs the two differ only by the tube, the quantum noise
 * and the low-frequency mottle (both zero-mean), so the mean difference over a band around the midline, above the
 * tube's tip, measures the tube. Before session 30 the stripe was a sixth of a pixel wide and the tube's body exactly as
 * dense as the trachea's air is light, and the band's mean rose by 0.018 grey levels (0.046 since): the image tower did
 * not see it, and the search for "endotracheal tube" found one study with any device in its top five.
 */
class DeviceConspicuityTest {
    @Test
    void theEndotrachealTubeBrightensTheTracheaAtTheDemosImageSize() {
        int size = 96, studies = 40;
        double sum = 0;
        long pixels = 0;
        Finding ett = new Finding(CheXpertLabel.SUPPORT_DEVICES, null, null, null, Devices.ETT);
        for (int p = 0; p < studies; p++) {
            Anatomy a = Anatomy.patient(new SplittableRandom(100 + p), Difficulty.EASY).study(new SplittableRandom(200 + p), Difficulty.EASY, false);
            GreyImage with = Radiograph.render(a, List.of(ett), size, Difficulty.EASY, new SplittableRandom(300 + p));
            GreyImage without = Radiograph.render(a, List.of(), size, Difficulty.EASY, new SplittableRandom(300 + p));
            Thorax t = new Thorax(a);
            int x0 = (int) ((t.cx() - 0.02f) * size), x1 = (int) ((t.cx() + 0.025f) * size);
            int y0 = (int) (0.02f * size), y1 = (int) ((t.carinaY() - 0.07f) * size);
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    sum += with.pixels()[y * size + x] - without.pixels()[y * size + x];
                    pixels++;
                }
            }
        }
        double mean = sum / pixels;
        System.out.printf(Locale.ROOT, "endotracheal tube: mean brightening over the midline band %.4f grey levels (%d pixels)%n", mean, pixels);
        assertTrue(mean >= 0.035, "the tube raises the midline band by " + mean + " grey levels; at least 0.035 expected");
    }
}
