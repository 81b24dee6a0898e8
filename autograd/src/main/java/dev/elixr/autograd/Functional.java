package dev.elixr.autograd;

import dev.elixr.autograd.functions.AttentionFn;
import dev.elixr.autograd.functions.BatchNormFn;
import dev.elixr.autograd.functions.ConvFn;
import dev.elixr.autograd.functions.DropoutFn;
import dev.elixr.autograd.functions.EmbeddingFn;
import dev.elixr.autograd.functions.JoinFn;
import dev.elixr.autograd.functions.LossFn;
import dev.elixr.autograd.functions.MatMulFn;
import dev.elixr.autograd.functions.NormFn;
import dev.elixr.autograd.functions.PoolFn;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Conv2dParams;

import java.util.random.RandomGenerator;

/** Differentiable functions over {@link Var}s, named as in torch.nn.functional. */
public final class Functional {
    private Functional() {}

    /** Layer norm over the last dimension; gamma and beta may be null. */
    public static Var layerNorm(Var x, Var gamma, Var beta, float eps) { return NormFn.layerNorm(x, gamma, beta, eps); }

    /** RMS norm over the last dimension; gamma may be null. */
    public static Var rmsNorm(Var x, Var gamma, float eps) { return NormFn.rmsNorm(x, gamma, eps); }

    /** x·wᵀ + b, w [out,in] as in PyTorch; b may be null. */
    public static Var linear(Var x, Var w, Var b) { return MatMulFn.linear(x, w, b); }

    /** 2-D convolution: x [N,C,H,W], w [O,C/groups,KH,KW], b [O] or null. */
    public static Var conv2d(Var x, Var w, Var b, Conv2dParams p) { return ConvFn.conv2d(x, w, b, p); }

    public static Var conv2d(Var x, Var w, Var b, int stride, int padding, int dilation, int groups) {
        return ConvFn.conv2d(x, w, b, Conv2dParams.of(stride, padding, dilation, groups));
    }

    public static Var maxPool2d(Var x, int kernel, int stride, int padding) { return PoolFn.maxPool2d(x, kernel, stride, padding); }

    /** Average pooling; padded cells count in the divisor (PyTorch's default). */
    public static Var avgPool2d(Var x, int kernel, int stride, int padding) { return PoolFn.avgPool2d(x, kernel, stride, padding); }

    public static Var adaptiveAvgPool2d(Var x, int outH, int outW) { return PoolFn.adaptiveAvgPool2d(x, outH, outW); }

    /**
     * Batch norm of x [N,C,H,W] per channel. In training, normalises with the batch statistics and updates
     * the running ones in place (running = (1-momentum)·running + momentum·batch, unbiased variance, as PyTorch);
     * in eval, uses the running statistics. gamma/beta may be null.
     */
    public static Var batchNorm2d(Var x, Var gamma, Var beta, Tensor runningMean, Tensor runningVar,
                                  boolean training, float momentum, float eps) {
        return BatchNormFn.batchNorm2d(x, gamma, beta, runningMean, runningVar, training, momentum, eps);
    }

    /** ReLU of {@link #batchNorm2d}, fused in training ({@link BatchNormFn#batchNorm2dRelu}). */
    public static Var batchNorm2dRelu(Var x, Var gamma, Var beta, Tensor runningMean, Tensor runningVar,
                                      boolean training, float momentum, float eps) {
        return BatchNormFn.batchNorm2dRelu(x, gamma, beta, runningMean, runningVar, training, momentum, eps);
    }

    /** Scaled dot-product attention with scale 1/sqrt(D): q [B,H,Tq,D], k/v [B,H,Tk,D], additive mask or null. */
    public static Var attention(Var q, Var k, Var v, Tensor mask, boolean causal) {
        return AttentionFn.attention(q, k, v, mask, causal, (float) (1.0 / Math.sqrt(q.size(-1))));
    }

    public static Var attention(Var q, Var k, Var v, Tensor mask, boolean causal, float scale) {
        return AttentionFn.attention(q, k, v, mask, causal, scale);
    }

    /** Rows of table [V,D] for ids, shaped [...idShape, D] (idShape defaults to [ids.length]). */
    public static Var embedding(Var table, int[] ids, int... idShape) { return EmbeddingFn.embedding(table, ids, idShape); }

    /**
     * Rows of x [N,...] along axis 0, in the given order (rows may repeat): [rows.length,...]; the gradient scatters back
     * (an {@link #embedding} of x viewed as [N, rest]).
     */
    public static Var rows(Var x, int[] rows) {
        int[] shape = x.shape();
        int n = shape[0], rest = 1;
        for (int d = 1; d < shape.length; d++) rest *= shape[d];
        for (int r : rows) if (r < 0 || r >= n) throw new IllegalArgumentException("rows: row " + r + " outside [0, " + n + ") of " + x);
        int[] out = shape.clone();
        out[0] = rows.length;
        return EmbeddingFn.embedding(x.reshape(n, rest), rows, rows.length).view(out);
    }

    public static Var concat(int axis, Var... xs) { return JoinFn.concat(axis, xs); }

    public static Var stack(int axis, Var... xs) { return JoinFn.stack(axis, xs); }

    /** Pieces of the given sizes along axis. */
    public static Var[] split(Var x, int axis, int... sizes) { return JoinFn.split(x, axis, sizes); }

    /** n equal pieces along axis. */
    public static Var[] chunk(Var x, int axis, int n) {
        int size = x.size(axis);
        if (n <= 0 || size % n != 0) throw new IllegalArgumentException("chunk: dimension " + axis + " of size " + size + " does not split into " + n + " equal pieces");
        int[] sizes = new int[n];
        java.util.Arrays.fill(sizes, size / n);
        return JoinFn.split(x, axis, sizes);
    }

    /** Inverted dropout with a seeded generator; identity when not training or p == 0. */
    public static Var dropout(Var x, float p, RandomGenerator rng, boolean training) { return DropoutFn.dropout(x, p, rng, training); }

    /**
     * Cross-entropy of logits [N,C] against class indices, averaged over the targets that are not ignoreIndex,
     * with label smoothing ε: target distribution (1-ε)·onehot + ε/C, as torch.nn.functional.cross_entropy.
     */
    public static Var crossEntropy(Var logits, int[] targets, float labelSmoothing, int ignoreIndex) {
        return LossFn.crossEntropy(logits, targets, labelSmoothing, ignoreIndex);
    }

    /** Plain cross-entropy (no smoothing, nothing ignored). */
    public static Var crossEntropy(Var logits, int[] targets) { return LossFn.crossEntropy(logits, targets, 0f, Integer.MIN_VALUE); }

    /** Mean of the numerically stable binary cross-entropy max(x,0) - x·t + log(1+exp(-|x|)). */
    public static Var binaryCrossEntropyWithLogits(Var logits, Tensor targets) { return LossFn.binaryCrossEntropyWithLogits(logits, targets); }

    /** Mean squared error. */
    public static Var mseLoss(Var input, Var target) { return LossFn.mseLoss(input, target); }

    /** x / max(‖x‖₂, 1e-12) along axis, as torch.nn.functional.normalize. */
    public static Var l2Normalize(Var x, int axis) {
        Var norm = x.square().sum(true, axis).sqrt().clamp(1e-12f, Float.MAX_VALUE);
        return x.div(norm);
    }
}
