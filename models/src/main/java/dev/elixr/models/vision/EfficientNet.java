package dev.elixr.models.vision;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Layer;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Sequential;
import dev.elixr.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * EfficientNet (Tan &amp; Le 2019, table 1 and §3.3 compound scaling): a stride-2 3×3 stem, seven MBConv stages and a
 * 1×1 head convolution, all in {@code features} as torchvision names them ({@code features.0} stem,
 * {@code features.1..7} stages, {@code features.8} head). Stochastic-depth probability rises linearly with the block
 * index. Gives the last stage's feature map (what ELIXR's Q-Former attends to: 1376 channels for L2), the head's
 * feature map (torchvision's {@code features} output) or the average-pooled head vector.
 */
public final class EfficientNet extends Module {
    private final EfficientNetConfig config;
    private final Sequential features;

    /** The three outputs of one pass. */
    public record Output(Var lastBlock, Var head, Var pooled) {
        /** The last MBConv stage as image tokens [B, H/32·W/32, lastBlockChannels] ({@link SpatialTokens}). */
        public Var lastBlockTokens() { return SpatialTokens.of(lastBlock); }
    }

    public EfficientNet(EfficientNetConfig config, RandomGenerator rng) {
        this.config = config;
        List<MBConvConfig> stages = config.stages();
        List<Layer> layers = new ArrayList<>();
        layers.add(new ConvBnAct(config.inChannels(), config.stemChannels(), 3, 2, 1, true, config, rng));
        int total = config.totalBlocks(), index = 0;
        for (MBConvConfig s : stages) {
            List<Layer> blocks = new ArrayList<>();
            for (int j = 0; j < s.numLayers(); j++) {
                float p = config.stochasticDepthProb() * index++ / total;
                blocks.add(new MBConv(s, j == 0 ? s.inChannels() : s.outChannels(), j == 0 ? s.stride() : 1, p, config, rng));
            }
            layers.add(new Sequential(blocks.toArray(Layer[]::new)));
        }
        layers.add(new ConvBnAct(config.lastBlockChannels(), config.headChannels(), 1, 1, 1, true, config, rng));
        this.features = registerModule("features", new Sequential(layers.toArray(Layer[]::new)));
    }

    public EfficientNetConfig config() { return config; }

    /**
     * Activation checkpointing of every MBConv block ({@link MBConv#checkpointActivations}): while recording a graph,
     * each keeps only its input and recomputes its layers in the backward; batch-norm running statistics move once.
     */
    public EfficientNet checkpointActivations(boolean on) {
        blocks().forEach(b -> b.checkpointActivations(on));
        return this;
    }

    public boolean checkpointsActivations() { return blocks().stream().anyMatch(MBConv::checkpointsActivations); }

    /** The stem ({@code features.0}): pixels [B,C,H,W] → [B, stemChannels, H/2, W/2], the first MBConv block's input. */
    public Var stem(Var pixels) {
        checkInput(pixels);
        return features.get(0).forward(pixels);
    }

    /** The MBConv blocks, stem to head. */
    public List<MBConv> blocks() {
        return namedModules().values().stream().filter(m -> m instanceof MBConv).map(m -> (MBConv) m).toList();
    }

    /** pixels [B,C,H,W] → the last MBConv stage [B, lastBlockChannels, H/32, W/32], the head and the pooled head. */
    public Output encode(Var pixels) {
        Var last = lastBlock(pixels);
        Var head = features.get(features.size() - 1).forward(last);
        return new Output(last, head, head.mean(false, 2, 3));
    }

    /** The last MBConv stage's feature map [B, lastBlockChannels, H/32, W/32]. */
    public Var lastBlock(Var pixels) {
        checkInput(pixels);
        Var h = pixels;
        for (int i = 0; i < features.size() - 1; i++) h = features.get(i).forward(h);
        return h;
    }

    /** The last MBConv stage's feature map as image tokens [B, H/32·W/32, lastBlockChannels], for a Q-Former. */
    public Var spatialTokens(Var pixels) { return SpatialTokens.of(lastBlock(pixels)); }

    /** torchvision's {@code features(x)}: the head's feature map [B, headChannels, H/32, W/32]. */
    public Var forward(Var pixels) {
        checkInput(pixels);
        return features.forward(pixels);
    }

    private void checkInput(Var pixels) {
        int[] s = pixels.shape();
        if (s.length != 4 || s[1] != config.inChannels()) {
            throw new IllegalArgumentException("EfficientNet-" + config.variant() + " expects pixels [B," + config.inChannels()
                    + ",H,W], got " + Shape.str(s));
        }
    }
}
