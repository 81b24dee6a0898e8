package dev.elixr.tasks.train;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.GraphMemory;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.models.vision.EfficientNet;
import dev.elixr.models.vision.MBConv;
import dev.elixr.models.vision.VisionTransformer;
import dev.elixr.tensor.Tensor;

import java.util.List;
import java.util.Locale;

/**
 * The heap a training run will need, estimated before it starts (printed, and a run that cannot fit is refused before
 * any image is decoded): the weights, their gradients and AdamW's two moments (4 bytes each per parameter); the
 * activations one micro-batch keeps for its backward, measured by recording the graph of one image and one report of
 * {@code maxTokens} tokens through the model ({@link GraphMemory}, an estimate from below) and scaled by the images of a
 * micro-batch (the batch, or batch / {@code --accumulate}); with activation checkpointing, one block's activations on top
 * of the stored block inputs (for EfficientNet the largest MBConv block's, measured block by block); and the decoded training and validation images the run holds in memory (4 bytes a pixel).
 */
public record MemoryPlan(long parameters, long weightBytes, long gradientBytes, long optimiserBytes, long imageActivationBytes,
                         long textActivationBytes, int microBatch, long imageBankBytes, long maxHeap) {

    /** The total estimate in bytes. */
    public long totalBytes() {
        return weightBytes + gradientBytes + optimiserBytes + (imageActivationBytes + textActivationBytes) * microBatch + imageBankBytes;
    }

    /**
     * Measures the model (in eval mode, so that no batch-norm statistics move; its grads are left as they were) for a
     * run of {@code batch} pairs in {@code accumulate} micro-batches over {@code images} decoded images.
     */
    public static MemoryPlan estimate(ElixrC model, int batch, int accumulate, long images) {
        long trainable = model.trainableParameterCount();
        boolean training = model.isTraining();
        model.eval();
        long image, text;
        try {
            image = imageActivations(model);
            text = textActivations(model);
        } finally {
            model.train(training);
        }
        int size = model.config().image().size();
        int micro = (batch + accumulate - 1) / accumulate;
        return new MemoryPlan(model.parameterCount(), 4 * model.parameterCount(), 4 * trainable, 8 * trainable, image, text, micro,
                images * size * (long) size * 4, Runtime.getRuntime().maxMemory());
    }

    /** Turns activation checkpointing of every ViT and EfficientNet in the model on or off; returns how many there are. */
    public static int checkpointActivations(Module model, boolean on) {
        List<VisionTransformer> vits = vits(model);
        for (VisionTransformer v : vits) v.checkpointActivations(on);
        List<EfficientNet> nets = efficientNets(model);
        for (EfficientNet n : nets) n.checkpointActivations(on);
        return vits.size() + nets.size();
    }

    private static List<EfficientNet> efficientNets(Module model) {
        return model.namedModules().values().stream().filter(m -> m instanceof EfficientNet).map(m -> (EfficientNet) m).toList();
    }

    private static List<VisionTransformer> vits(Module model) {
        return model.namedModules().values().stream().filter(m -> m instanceof VisionTransformer).map(m -> (VisionTransformer) m).toList();
    }

    private static long imageActivations(ElixrC model) {
        int s = model.config().image().size();
        Tensor px = Tensor.zeros(1, 1, s, s).to(model.parameters().getFirst().value().device());
        long stored = GraphMemory.retainedBytes(model.embedImages(Var.of(px)));
        for (EfficientNet n : efficientNets(model))
            if (n.checkpointsActivations()) stored += largestBlock(n, px);
        List<VisionTransformer> checkpointed = vits(model).stream().filter(VisionTransformer::checkpointsActivations).toList();
        if (checkpointed.isEmpty()) return stored;
        checkpointed.forEach(v -> v.checkpointActivations(false));
        long full;
        try {
            full = GraphMemory.retainedBytes(model.embedImages(Var.of(px)));
        } finally {
            checkpointed.forEach(v -> v.checkpointActivations(true));
        }
        int layers = checkpointed.stream().mapToInt(v -> v.config().numLayers()).max().orElse(1);
        return stored + Math.max(0, full - stored) / layers; // the block being recomputed in the backward
    }

    /**
     * The activations of the largest MBConv block (the one recomputed in the backward at the peak): each block's graph
     * recorded on its own, on the previous block's output, without checkpointing; its input is not counted (it is stored).
     */
    private static long largestBlock(EfficientNet net, Tensor pixels) {
        Tensor h;
        try (var g = GradMode.noGrad()) {
            h = net.stem(Var.of(pixels)).value();
        }
        long largest = 0;
        for (MBConv b : net.blocks()) {
            b.checkpointActivations(false);
            try {
                Var out = b.forward(Var.of(h));
                largest = Math.max(largest, GraphMemory.retainedBytes(out) - h.numel() * 4L);
                h = out.value();
            } finally {
                b.checkpointActivations(true);
            }
        }
        return largest;
    }

    private static long textActivations(ElixrC model) {
        int n = model.config().text().maxTokens();
        int[] ids = new int[n], mask = new int[n];
        java.util.Arrays.fill(mask, 1);
        return GraphMemory.retainedBytes(model.embedTexts(TokenBatch.of(List.of(new Encoding(ids, mask, new int[n])), new int[] {0}, 0)));
    }

    /** The plan in a few lines, for the training log. */
    public String describe() {
        return String.format(Locale.ROOT, "elixr: memory estimate: %s (heap limit %s): weights %s (%,d parameters), gradients %s,"
                        + " AdamW moments %s, activations %s (%d images x (%s per image + %s per report)), decoded images %s",
                human(totalBytes()), human(maxHeap), human(weightBytes), parameters, human(gradientBytes), human(optimiserBytes),
                human((imageActivationBytes + textActivationBytes) * microBatch), microBatch, human(imageActivationBytes),
                human(textActivationBytes), human(imageBankBytes));
    }

    /** Refuses a run whose estimate exceeds the heap, saying what would make it fit. */
    public void check() {
        if (totalBytes() <= maxHeap) return;
        throw new IllegalArgumentException(String.format(Locale.ROOT, "the run needs about %s but the Java heap is limited to %s: "
                        + "lower --batch, split it with --accumulate N (N micro-batches, the same gradient), add --checkpoint-activations"
                        + " (ViT and EfficientNet towers), lower --image-size or train on fewer images, or raise the limit (ELIXR_JAVA_OPTS=-Xmx...); %s",
                human(totalBytes()), human(maxHeap), describe().substring("elixr: ".length())));
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
