package dev.elixr.tasks.data;

/**
 * A grey-scale image: row-major pixel values in [0, 1] (0 black, 1 white), with the bit depth it was stored in.
 */
public record GreyImage(int width, int height, float[] pixels, int bitDepth) {
    public GreyImage {
        if (width <= 0 || height <= 0 || pixels.length != width * height) {
            throw new IllegalArgumentException("GreyImage: " + pixels.length + " pixels do not fill " + width + "x" + height);
        }
    }

    public GreyImage(int width, int height, float[] pixels) { this(width, height, pixels, 8); }

    public float get(int x, int y) { return pixels[y * width + x]; }
}
