package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Tensor;

/** Fused cross-entropy and its gradient (loss.cl): one work-group per row of logits; targets uploaded once per call. */
final class ClLoss {
    private final ClContext ctx;

    ClLoss(ClContext ctx) { this.ctx = ctx; }

    void crossEntropy(Tensor logits, int[] targets, float smoothing, int ignoreIndex, float scale, boolean backward, Tensor out) {
        String op = backward ? "crossEntropyBackward" : "crossEntropy";
        Tensor x = ClArgs.dense(logits);
        ClBuffer xb = ClArgs.buffer(op, ctx, x), ob = ClArgs.buffer(op, ctx, out);
        ClArgs.requireContiguous(op, out);
        int n = x.size(0), c = x.size(1);
        if (n == 0 || c == 0) return;
        int wg = ctx.programs().workGroup();
        ctx.programs().kernel("loss", "cross_entropy").launch(new long[] {(long) n * wg}, new long[] {wg},
                backward ? 1 : 0, c, ctx.uploadInts(targets), ignoreIndex, 1 - smoothing, smoothing / c, scale, xb, x.offset(), ob, out.offset());
    }
}
