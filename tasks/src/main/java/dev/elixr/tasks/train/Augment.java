package dev.elixr.tasks.train;

import java.util.SplittableRandom;

/**
 * Light training augmentation of a normalised grey image: a random translation of up to {@code maxShift} pixels
 * (edges replicated) and brightness/contrast jitter. A pure function of the image and the generator, so a resumed
 * run draws the same augmentations.
 */
final class Augment {
    private Augment() {}

    static float[] apply(float[] px, int size, int maxShift, float jitter, SplittableRandom rng) {
        int dx = rng.nextInt(-maxShift, maxShift + 1), dy = rng.nextInt(-maxShift, maxShift + 1);
        float contrast = 1f + (float) ((rng.nextDouble() * 2 - 1) * jitter);
        float brightness = (float) ((rng.nextDouble() * 2 - 1) * jitter);
        float[] out = new float[px.length];
        for (int y = 0; y < size; y++) {
            int sy = Math.min(size - 1, Math.max(0, y - dy));
            for (int x = 0; x < size; x++) {
                int sx = Math.min(size - 1, Math.max(0, x - dx));
                out[y * size + x] = px[sy * size + sx] * contrast + brightness;
            }
        }
        return out;
    }
}
