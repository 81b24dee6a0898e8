package dev.elixr.models.qformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;

/**
 * Centring of ITC's query embeddings, a deviation from BLIP-2 for a Q-Former whose max over queries lets an
 * image-independent query set a floor under every similarity (docs/results.md, issue 18): each query's L2-normalised
 * embedding z[b,q] minus that query's mean over images μ[q], L2-normalised again, z̃[b,q] = (z[b,q] − μ[q]) / ‖z[b,q] − μ[q]‖.
 * A query that is the same for every image is then nothing but its image-dependent part, so it cannot win the max with
 * a constant. As batch normalisation does (Ioffe &amp; Szegedy 2015): in training μ is the batch's mean (gradient flowing
 * through it) and a running mean is updated, μ_run ← (1 − m)·μ_run + m·μ_batch with m = {@link #MOMENTUM}; in
 * evaluation μ is the running mean, the buffer {@code running_mean} [1,Q,P] saved with the model.
 */
public final class QueryCentring extends Module {
    /** Batch normalisation's momentum of the running mean (PyTorch's default). */
    public static final float MOMENTUM = 0.1f;

    private final int queries, width;

    public QueryCentring(int queries, int width) {
        if (queries <= 0 || width <= 0) throw new IllegalArgumentException("query centring of " + queries + " queries of width " + width);
        this.queries = queries;
        this.width = width;
        registerBuffer("running_mean", Tensor.zeros(1, queries, width));
    }

    /** The running mean over images of each query's embedding [1,Q,P]. */
    public Tensor runningMean() { return buffer("running_mean"); }

    /** z [B,Q,P] (L2-normalised query embeddings) → the centred embeddings [B,Q,P], L2-normalised. */
    public Var forward(Var z) {
        if (z.dim() != 3 || z.size(1) != queries || z.size(2) != width)
            throw new IllegalArgumentException("query centring: embeddings " + Shape.str(z.shape()) + ", expected [B," + queries + "," + width + "]");
        Var mean;
        if (isTraining()) {
            if (z.size(0) < 2) throw new IllegalArgumentException("query centring: a training batch of " + z.size(0) + " image has no mean to centre on");
            mean = z.mean(true, 0);
            Tensor running = runningMean().to(mean.value().device());
            setBuffer("running_mean", Elementwise.add(Elementwise.mul(running, 1 - MOMENTUM), Elementwise.mul(mean.value(), MOMENTUM)).contiguous());
        } else {
            mean = Var.of(runningMean().to(z.value().device()));
        }
        return Functional.l2Normalize(z.sub(mean), -1);
    }
}
