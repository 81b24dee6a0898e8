package dev.elixr.tasks.train;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.GraphMemory;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.BatchNorm2d;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.models.vision.EfficientNet;
import dev.elixr.models.vision.MBConv;
import dev.elixr.models.vision.VisionTransformer;
import dev.elixr.models.vision.VitLayer;
import dev.elixr.tensor.Tensor;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The heap a training run will need, estimated before it starts (printed, and a run that cannot fit is refused before
 * any image is decoded): the weights, their gradients and AdamW's two moments (4 bytes each per parameter); the most
 * bytes a micro-batch's (the batch, or batch / {@code --accumulate}) images and {@code maxTokens}-token reports hold
 * at once in the backward, from one image's and one report's graph scaled to the micro-batch (the convolutions'
 * backward scratch stops growing at a few images' column bands: {@code imageActivationBytes} is the micro-batch's
 * peak per image); and the decoded images the heap holds (4 bytes a pixel):
 * with the splits in memory-mapped {@link dev.elixr.tasks.data.ImageStore}s (as the CLI runs), only the batch window
 * ({@value #WINDOW} copies of a batch: the rows read from the store, their augmented copies and the standardised input;
 * the mapped pages are the kernel's page cache, not the heap); else the whole training and validation splits. The backward's peak replays the sweep over the recorded graph
 * ({@link GraphMemory#backwardPeakBytes}: the activations still alive, the pending and returned activation gradients, a
 * convolution's unfolded columns), recorded with batch norm on batch statistics as in training; with activation
 * checkpointing, a checkpointed block's node also holds that block's recomputed forward and backward. It is the live
 * heap at the peak; a collector needs some room beyond it (MemoryPlanPeakTest holds it within 15% below and 25%
 * above a measured peak for small configurations; figures in docs/results.md).
 */
public record MemoryPlan(long parameters, long weightBytes, long gradientBytes, long optimiserBytes, long imageActivationBytes,
                         long textActivationBytes, int microBatch, long imageBankBytes, boolean mappedImages, long maxHeap,
                         long largestTensorElements) {
    /** A plan whose micro-batch's largest tensor is not known (0: no limit checked). */
    public MemoryPlan(long parameters, long weightBytes, long gradientBytes, long optimiserBytes, long imageActivationBytes,
                      long textActivationBytes, int microBatch, long imageBankBytes, boolean mappedImages, long maxHeap) {
        this(parameters, weightBytes, gradientBytes, optimiserBytes, imageActivationBytes, textActivationBytes, microBatch, imageBankBytes,
                mappedImages, maxHeap, 0);
    }

    /** The batch-sized image arrays alive at once while a batch is assembled from mapped stores. */
    static final int WINDOW = 3;

    /**
     * The share of the heap a plan may fill: the plan is the live heap at the backward's peak, and a collector needs room
     * beyond it (space to copy or compact, large arrays needing contiguous free space). Measured at the edge of a 22 GiB
     * heap (docs/results.md): the live peak was up to 6% above the plan (EfficientNet-B0 512² plain, Serial GC: the plan's
     * 50 failed, 47 trained; ViT-B/16 384² checkpointed, G1: plan/peak 0.95), so a run is admitted with 6% to spare.
     */
    static final double HEAP_SHARE = 0.94;

    /** The heap this plan may fill: {@link #HEAP_SHARE} of the JVM's limit. */
    public long usableHeap() { return (long) (maxHeap * HEAP_SHARE); }

    /** The total estimate in bytes. */
    public long totalBytes() {
        return weightBytes + gradientBytes + optimiserBytes + (imageActivationBytes + textActivationBytes) * microBatch + imageBankBytes;
    }

    /**
     * Measures the model for a run of {@code batch} pairs in {@code accumulate} micro-batches over {@code images} decoded
     * images. The graphs are recorded as training records them where it matters for memory (batch norm on batch
     * statistics, so not folded into the convolution) without side effects: the buffers are put back afterwards and
     * dropout-like layers stay in evaluation mode, so no random draw is taken; the grads are left as they were.
     */
    public static MemoryPlan estimate(ElixrC model, int batch, int accumulate, long images) {
        return estimate(model, batch, accumulate, images, false);
    }

    /**
     * As {@link #estimate(ElixrC, int, int, long)}; {@code mapped}: the images are read from memory-mapped stores, so the
     * heap holds the batch window ({@value #WINDOW} x {@code batch} images) whatever {@code images} is.
     */
    public static MemoryPlan estimate(ElixrC model, int batch, int accumulate, long images, boolean mapped) {
        long trainable = model.trainableParameterCount();
        boolean training = model.isTraining();
        Map<String, Tensor> buffers = new LinkedHashMap<>();
        model.namedBuffers().forEach((n, t) -> buffers.put(n, t.copy()));
        model.eval();
        model.namedModules().values().stream().filter(m -> m instanceof BatchNorm2d).forEach(m -> m.train(true));
        int micro = (batch + accumulate - 1) / accumulate;
        long image, text;
        long[] largest = new long[1];
        try {
            image = Math.ceilDiv(imageActivations(model, micro, largest), micro);
            text = textActivations(model, largest);
        } finally {
            model.train(training);
            model.loadStateDict(buffers, false);
        }
        int size = model.config().image().size();
        return new MemoryPlan(model.parameterCount(), 4 * model.parameterCount(), 4 * trainable, 8 * trainable, image, text, micro,
                (mapped ? WINDOW * (long) batch : images) * size * (long) size * 4, mapped, Runtime.getRuntime().maxMemory(), largest[0] * micro);
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

    /**
     * The most bytes the backward of a micro-batch of {@code micro} images holds ({@link GraphMemory#backwardPeakBytes}
     * of one image's graph scaled to the micro-batch: the convolutions' column bands do not grow with it); a checkpointed
     * block's node holds, besides, its recomputed forward and that forward's backward (measured block by block, by
     * output shape).
     */
    private static long imageActivations(ElixrC model, int micro, long[] largest) {
        int s = model.config().image().size();
        Tensor px = Tensor.zeros(1, 1, s, s).to(model.parameters().getFirst().value().device());
        Map<List<Integer>, Long> blocks = new HashMap<>();
        for (EfficientNet n : efficientNets(model))
            if (n.checkpointsActivations()) mbconvBlocks(n, px, micro, blocks, largest);
        for (VisionTransformer v : vits(model))
            if (v.checkpointsActivations()) vitBlock(v, s, micro, blocks, largest);
        Var embedded = model.embedImages(Var.of(px));
        largest[0] = Math.max(largest[0], GraphMemory.largestValueElements(embedded));
        return GraphMemory.backwardPeakBytes(embedded,
                v -> v.node().op().startsWith("checkpoint(") ? blocks.getOrDefault(shape(v.value()), 0L) : 0L, micro);
    }

    private static List<Integer> shape(Tensor t) { return Arrays.stream(t.shape()).boxed().toList(); }

    /**
     * The backward peak of each MBConv block recomputed in the backward: each block's graph recorded on its own, on the
     * previous block's output (a leaf whose gradient is added), without checkpointing; the largest per output shape.
     */
    private static void mbconvBlocks(EfficientNet net, Tensor pixels, int micro, Map<List<Integer>, Long> blocks, long[] largest) {
        Tensor h;
        try (var g = GradMode.noGrad()) {
            h = net.stem(Var.of(pixels)).value();
        }
        for (MBConv b : net.blocks()) {
            b.checkpointActivations(false);
            try {
                Var out = b.forward(Var.param(h));
                blocks.merge(shape(out.value()), GraphMemory.backwardPeakBytes(out, v -> 0, micro) + 4L * micro * h.numel(), Math::max);
                largest[0] = Math.max(largest[0], GraphMemory.largestValueElements(out));
                h = out.value();
            } finally {
                b.checkpointActivations(true);
            }
        }
    }

    /** The backward peak of one ViT block (all alike) on a micro-batch's hidden states (one image's [1, 1 + patches, D] scaled). */
    private static void vitBlock(VisionTransformer vit, int size, int micro, Map<List<Integer>, Long> blocks, long[] largest) {
        int p = vit.config().patchSize(), tokens = (size / p) * (size / p) + 1;
        VitLayer layer = vit.namedModules().values().stream().filter(m -> m instanceof VitLayer).map(m -> (VitLayer) m).findFirst().orElseThrow();
        Tensor h = Tensor.zeros(1, tokens, vit.config().hiddenSize()).to(vit.parameters().getFirst().value().device());
        Var out = layer.forward(Var.param(h));
        blocks.merge(shape(out.value()), GraphMemory.backwardPeakBytes(out, v -> 0, micro) + 4L * micro * h.numel(), Math::max);
        largest[0] = Math.max(largest[0], GraphMemory.largestValueElements(out));
    }

    private static long textActivations(ElixrC model, long[] largest) {
        int n = model.config().text().maxTokens();
        int[] ids = new int[n], mask = new int[n];
        java.util.Arrays.fill(mask, 1);
        Var embedded = model.embedTexts(TokenBatch.of(List.of(new Encoding(ids, mask, new int[n])), new int[] {0}, 0));
        largest[0] = Math.max(largest[0], GraphMemory.largestValueElements(embedded));
        return GraphMemory.backwardPeakBytes(embedded);
    }

    /** The plan in a few lines, for the training log. */
    public String describe() {
        return String.format(Locale.ROOT, "elixr: memory estimate: %s (heap limit %s, %s of it for the run): weights %s (%,d parameters), gradients %s,"
                        + " AdamW moments %s, activations %s (%d images x (%s per image + %s per report)), decoded images %s (%s)",
                human(totalBytes()), human(maxHeap), human(usableHeap()), human(weightBytes), parameters, human(gradientBytes), human(optimiserBytes),
                human((imageActivationBytes + textActivationBytes) * microBatch), microBatch, human(imageActivationBytes),
                human(textActivationBytes), human(imageBankBytes),
                mappedImages ? "a batch window; the splits are memory-mapped from image stores on disk" : "the whole splits on the heap");
    }

    /**
     * Refuses a run whose micro-batch needs a tensor of more than 2^31-1 elements (the activations of one image's graph
     * times the micro-batch; the convolutions' backward scratch is banded) or whose estimate exceeds the usable heap
     * ({@link #usableHeap}), saying what would make it fit.
     */
    public void check() {
        if (largestTensorElements > Integer.MAX_VALUE)
            throw new IllegalArgumentException(String.format(Locale.ROOT, "a micro-batch of %d images needs a tensor of %,d elements, more than"
                    + " the 2^31-1 one Java array holds, whatever the heap: lower --batch or split it with --accumulate N", microBatch,
                    largestTensorElements));
        if (totalBytes() <= usableHeap()) return;
        throw new IllegalArgumentException(String.format(Locale.ROOT, "the run needs about %s but the Java heap is limited to %s"
                        + " (%s of it for the run, the rest the collector's room): "
                        + "lower --batch, split it with --accumulate N (N micro-batches, the same gradient), add --checkpoint-activations"
                        + " (ViT and EfficientNet towers), lower --image-size,%s or raise the limit (ELIXR_JAVA_OPTS=-Xmx...); %s",
                human(totalBytes()), human(maxHeap), human(usableHeap()),
                mappedImages ? "" : " keep the decoded images on disk (ELIXR_IMAGE_STORE: the CLI's default, unless set to off),",
                describe().substring("elixr: ".length())));
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
