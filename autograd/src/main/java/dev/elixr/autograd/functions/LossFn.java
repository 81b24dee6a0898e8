package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.Loss;
import dev.elixr.tensor.ops.Reduce;

/** Losses: fused cross-entropy with label smoothing and ignore index, binary cross-entropy with logits, MSE. */
public final class LossFn {
    private LossFn() {}

    /**
     * Mean over the rows whose target is not ignoreIndex of −Σ_c q_c·log softmax(x)_c with q = (1−ε)·onehot + ε/C
     * (Szegedy et al. 2016, §7), as torch.nn.functional.cross_entropy; the gradient is (softmax(x) − q)/count.
     * Both are tensor-core's fused kernels (stable for any logits; no [N,C] one-hot is built).
     * When every target is ignored the loss is 0 with zero gradient (PyTorch gives NaN).
     */
    public static Var crossEntropy(Var logits, int[] targets, float labelSmoothing, int ignoreIndex) {
        if (logits.dim() != 2) throw new IllegalArgumentException("crossEntropy: logits " + logits + " must be [N,C]");
        int n = logits.size(0);
        if (targets.length != n) throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for " + n + " rows of logits " + logits);
        int count = 0;
        for (int t : targets) if (t != ignoreIndex) count++;
        int[] ts = targets.clone();
        Tensor x = logits.value();
        float inv = count == 0 ? 0f : 1f / count;
        Tensor value = Elementwise.mul(Reduce.sum(Loss.crossEntropyRows(x, ts, labelSmoothing, ignoreIndex), false), inv);
        return Var.result("crossEntropy", value,
                g -> new Tensor[] {Elementwise.mul(Loss.crossEntropyBackward(x, ts, labelSmoothing, ignoreIndex, inv), g)}, logits);
    }

    /** Mean of max(x,0) − x·t + log(1+exp(−|x|)); gradient (σ(x) − t)/n. */
    public static Var binaryCrossEntropyWithLogits(Var logits, Tensor targets) {
        Tensor x = logits.value();
        if (!targets.sameShape(x)) {
            throw new IllegalArgumentException("binaryCrossEntropyWithLogits: targets " + Shape.str(targets.shape()) + " differ from logits " + logits);
        }
        Tensor t = targets.to(x.device());
        Tensor softplus = Elementwise.log(Elementwise.add(Elementwise.exp(Elementwise.neg(Elementwise.abs(x))), 1f));
        Tensor terms = Elementwise.add(Elementwise.sub(Elementwise.relu(x), Elementwise.mul(x, t)), softplus);
        float inv = 1f / Math.max(1, x.numel());
        Tensor value = Elementwise.mul(Reduce.sum(terms, false), inv);
        return Var.result("binaryCrossEntropyWithLogits", value,
                g -> new Tensor[] {Elementwise.mul(Elementwise.mul(Elementwise.sub(Elementwise.sigmoid(x), t), inv), g)}, logits);
    }

    /** Mean of (input − target)². */
    public static Var mseLoss(Var input, Var target) {
        if (!java.util.Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("mseLoss: input " + input + " and target " + target + " differ in shape");
        }
        return input.sub(target).square().meanAll();
    }
}
