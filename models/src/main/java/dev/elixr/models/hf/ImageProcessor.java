package dev.elixr.models.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elixr.models.image.ImageDecodeException;
import dev.elixr.models.image.ImageDecoder;
import dev.elixr.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The image side of a Hugging Face folder: decode a PNG/JPEG (8- or 16-bit, grey or colour), match the model's channel
 * count (grey replicated to RGB, RGB to luminance for one channel), resize bilinearly (align_corners=False; no
 * antialiasing, so downscaling differs slightly from PIL), scale to [0,1] and normalise with mean/std per channel.
 * Settings come from {@code preprocessor_config.json} when the folder has one ({@code size}, {@code do_resize},
 * {@code do_normalize}, {@code image_mean}, {@code image_std}), else from the model's defaults.
 */
public record ImageProcessor(int channels, int height, int width, boolean resize, boolean normalize, float[] mean, float[] std) {
    /** ImageNet statistics, torchvision's defaults (EfficientNet). */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f}, IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    /** HF ViTImageProcessor's defaults. */
    public static final float[] HALF = {0.5f, 0.5f, 0.5f};

    /** Defaults overridden by the folder's preprocessor_config.json, if any. */
    public static ImageProcessor of(HfFolder folder, int channels, int size, float[] mean, float[] std) {
        var p = new ImageProcessor(channels, size, size, true, true, mean, std);
        return folder.json("preprocessor_config.json").map(j -> p.with(j)).orElse(p);
    }

    ImageProcessor with(JsonNode j) {
        int h = height, w = width;
        JsonNode size = j.path("size");
        if (size.isInt()) h = w = size.asInt();
        else if (size.has("height")) {
            h = size.get("height").asInt();
            w = size.path("width").asInt(h);
        } else if (size.has("shortest_edge")) h = w = size.get("shortest_edge").asInt();
        return new ImageProcessor(channels, h, w, j.path("do_resize").asBoolean(resize), j.path("do_normalize").asBoolean(normalize),
                floats(j.path("image_mean"), mean), floats(j.path("image_std"), std));
    }

    private static float[] floats(JsonNode a, float[] fallback) {
        if (!a.isArray()) return fallback;
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).asDouble();
        return f;
    }

    /** Reads an image file into pixels [1, channels, height, width]. */
    public Tensor load(Path file) {
        BufferedImage img;
        try {
            img = ImageDecoder.read(file);
        } catch (ImageDecodeException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return apply(toUnitFloats(img), img.getHeight(), img.getWidth());
    }

    /** planes [channels][h·w] in [0,1] → resized, normalised pixels [1, channels, H, W]. */
    public Tensor apply(float[][] planes, int h, int w) {
        float[][] src = matchChannels(planes);
        int oh = resize ? height : h, ow = resize ? width : w;
        float[] out = new float[channels * oh * ow];
        for (int c = 0; c < channels; c++) {
            float[] r = resize ? Bilinear.resize(src[c], h, w, oh, ow) : src[c];
            float m = normalize ? mean[c % mean.length] : 0f, s = normalize ? std[c % std.length] : 1f;
            for (int i = 0; i < r.length; i++) out[c * oh * ow + i] = (r[i] - m) / s;
        }
        return Tensor.of(out, 1, channels, oh, ow);
    }

    private float[][] matchChannels(float[][] planes) {
        if (planes.length == channels) return planes;
        if (planes.length == 1) {
            float[][] out = new float[channels][];
            for (int c = 0; c < channels; c++) out[c] = planes[0];
            return out;
        }
        if (channels == 1) {
            float[] y = new float[planes[0].length];
            for (int i = 0; i < y.length; i++) y[i] = 0.299f * planes[0][i] + 0.587f * planes[1][i] + 0.114f * planes[2][i];
            return new float[][] {y};
        }
        throw new IllegalArgumentException("cannot map an image of " + planes.length + " channels to " + channels);
    }

    /** Grey images give one plane (16-bit aware), others three RGB planes; values in [0,1]. */
    static float[][] toUnitFloats(BufferedImage img) {
        int h = img.getHeight(), w = img.getWidth();
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        boolean grey = bands <= 2 && img.getColorModel().getColorSpace().getNumComponents() == 1;
        if (grey) {
            float max = (1 << r.getSampleModel().getSampleSize(0)) - 1;
            float[] p = new float[h * w];
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) p[y * w + x] = r.getSample(x, y, 0) / max;
            return new float[][] {p};
        }
        float[][] rgb = new float[3][h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = img.getRGB(x, y);
                rgb[0][y * w + x] = ((v >> 16) & 0xff) / 255f;
                rgb[1][y * w + x] = ((v >> 8) & 0xff) / 255f;
                rgb[2][y * w + x] = (v & 0xff) / 255f;
            }
        }
        return rgb;
    }
}
