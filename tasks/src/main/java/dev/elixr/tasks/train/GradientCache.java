package dev.elixr.tasks.train;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.models.elixr.ClipLoss;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.elixr.NegativeQueue;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Gradient accumulation for a contrastive loss (Gao et al. 2021, "Scaling Deep Contrastive Learning Batch Size under
 * Memory Limited Setup", the gradient cache). The CLIP loss couples every pair of the batch, so summing the losses of
 * micro-batches would train with fewer negatives; instead: (1) embed the batch micro-batch by micro-batch without a
 * graph; (2) compute the full-batch loss on those embeddings as leaves and back-propagate to them (and to the logit
 * scale); (3) for each micro-batch, embed again with a graph and back-propagate the cached embedding gradients,
 * accumulating the towers' parameter gradients. The result is the gradient of the full-batch loss, within float
 * rounding, while activations are held for one micro-batch at a time. Exact only for towers whose forward does not
 * depend on the rest of the batch: batch norm in training mode normalises each micro-batch with its own statistics
 * (the conv and EfficientNet towers), a ViT tower and the BERT text tower are unaffected.
 */
final class GradientCache {
    private GradientCache() {}

    /**
     * The full-batch loss (for logging; its graph is spent) after accumulating its gradient into the model's parameters
     * in {@code micro} micro-batches of nearly equal size. {@code groups}, {@code policy} and {@code queue} as for
     * {@link ElixrC#contrast}; null groups for the plain CLIP loss.
     */
    static Var backward(ElixrC model, Tensor pixels, List<Encoding> encodings, int[] textRows, int padId, long[] groups,
                        ContrastiveObjective objective, NegativeQueue queue, int micro) {
        int b = pixels.size(0);
        if (textRows.length != b) throw new IllegalArgumentException("gradient cache: " + b + " images but " + textRows.length + " reports");
        int[] start = bounds(b, micro);
        Tensor[] u = new Tensor[start.length - 1], v = new Tensor[start.length - 1];
        try (var g = GradMode.noGrad()) {
            for (int k = 0; k < u.length; k++) {
                u[k] = model.embedImages(Var.of(slice(pixels, start[k], start[k + 1]))).value();
                v[k] = model.embedTexts(TokenBatch.of(encodings, Arrays.copyOfRange(textRows, start[k], start[k + 1]), padId)).value();
            }
        }
        Var images = Var.param(join(u)), texts = Var.param(join(v));
        float maxScale = model.config().temperature().maxScale();
        Var loss = objective.isPlain() ? ClipLoss.loss(images, texts, model.logitScale(), maxScale)
                : ClipLoss.loss(images, texts, model.logitScale(), maxScale, groups, objective.duplicates(), queue);
        loss.backward();
        Tensor du = images.grad(), dv = texts.grad();
        for (int k = 0; k < u.length; k++) {
            int s = start[k], n = start[k + 1] - s;
            Var uk = model.embedImages(Var.of(slice(pixels, s, start[k + 1])));
            Var vk = model.embedTexts(TokenBatch.of(encodings, Arrays.copyOfRange(textRows, s, start[k + 1]), padId));
            // d/dθ of Σ u_k·∂L/∂u_k + Σ v_k·∂L/∂v_k is the chain rule's share of micro-batch k in dL/dθ
            Var surrogate = uk.mul(Var.of(du.narrow(0, s, n).contiguous())).sumAll().add(vk.mul(Var.of(dv.narrow(0, s, n).contiguous())).sumAll());
            surrogate.backward();
        }
        return loss;
    }

    /** Start rows of {@code micro} nearly equal parts of {@code b} rows, and b at the end. */
    static int[] bounds(int b, int micro) {
        if (micro < 1 || micro > b) throw new IllegalArgumentException("--accumulate " + micro + ": must be in [1, batch " + b + "]");
        int[] s = new int[micro + 1];
        for (int k = 0; k <= micro; k++) s[k] = (int) ((long) k * b / micro);
        return s;
    }

    private static Tensor slice(Tensor t, int from, int to) { return t.narrow(0, from, to - from).contiguous(); }

    private static Tensor join(Tensor[] parts) {
        try (var g = GradMode.noGrad()) {
            return Functional.concat(0, Arrays.stream(parts).map(Var::of).toArray(Var[]::new)).value();
        }
    }
}
