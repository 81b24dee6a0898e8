package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Losses: fused cross-entropy with label smoothing and ignore index, binary cross-entropy with logits, MSE. */
public final class LossFn {
    private LossFn() {}

    public static Var crossEntropy(Var logits, int[] targets, float labelSmoothing, int ignoreIndex) { throw Pending.ops("crossEntropy"); }
    public static Var binaryCrossEntropyWithLogits(Var logits, Tensor targets) { throw Pending.ops("binaryCrossEntropyWithLogits"); }
    public static Var mseLoss(Var input, Var target) { throw Pending.ops("mseLoss"); }
}
