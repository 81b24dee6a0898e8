package dev.elixr.bench;

import dev.elixr.models.text.BertConfig;
import dev.elixr.models.vision.EfficientNetConfig;
import dev.elixr.models.vision.MBConvConfig;
import dev.elixr.models.vision.VitConfig;

/** Floating-point operations of one forward pass (a multiply-add counts 2), for model FLOP utilisation. */
public final class ModelFlops {
    private ModelFlops() {}

    /** Transformer layers over T tokens of width D with FFN width F: projections, attention products, FFN. */
    static double transformer(int layers, long t, long d, long f) {
        double perLayer = 2.0 * t * d * d * 4 + 2.0 * t * t * d * 2 + 2.0 * t * d * f * 2;
        return layers * perLayer;
    }

    public static double vit(VitConfig c, int batch) {
        long t = c.numPatches() + 1;
        double patch = 2.0 * c.numPatches() * c.hiddenSize() * c.numChannels() * c.patchSize() * c.patchSize();
        return batch * (patch + transformer(c.numLayers(), t, c.hiddenSize(), c.intermediateSize()));
    }

    public static double bert(BertConfig c, int batch, int tokens) {
        return batch * transformer(c.numLayers(), tokens, c.hiddenSize(), c.intermediateSize());
    }

    public static double efficientNet(EfficientNetConfig c, int batch, int resolution) {
        int h = (resolution + 1) / 2;
        double f = 2.0 * c.stemChannels() * c.inChannels() * 9 * h * h;
        for (MBConvConfig s : c.stages()) {
            for (int j = 0; j < s.numLayers(); j++) {
                int in = j == 0 ? s.inChannels() : s.outChannels(), stride = j == 0 ? s.stride() : 1;
                int mid = s.expandedChannels(in), ho = (h + stride - 1) / stride;
                if (mid != in) f += 2.0 * in * mid * h * h;
                f += 2.0 * mid * s.kernel() * s.kernel() * ho * ho;
                f += 2.0 * 2 * mid * Math.max(1, in / 4);
                f += 2.0 * mid * s.outChannels() * ho * ho;
                h = ho;
            }
        }
        f += 2.0 * c.lastBlockChannels() * c.headChannels() * h * h;
        return batch * f;
    }
}
