package dev.elixr.tasks.train;

import dev.elixr.autograd.GradMode;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.optim.MomentumUpdate;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.elixr.NegativeQueue;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MoCo-style extra negatives (He et al. 2020; ALBEF and BLIP keep the same image and text queues): a momentum copy of
 * ELIXR-C (θk ← m·θk + (1 − m)·θq after every step) embeds each batch once more, and those keys enter a FIFO
 * {@link NegativeQueue}. Keys from a slowly moving encoder stay comparable with the current embeddings; a queue of
 * the online encoder's own past embeddings (no momentum copy) diverged at the demo's learning rate (measured).
 */
final class MomentumQueue {
    static final double MOMENTUM = 0.995;
    private static final String PREFIX = "momentum.";

    private final NegativeQueue queue;
    private final ElixrC momentum;

    MomentumQueue(ElixrC model, int size) {
        this.queue = new NegativeQueue(size, model.config().embedDim());
        this.momentum = new ElixrC(model.config(), new SplitMix64(0));
        MomentumUpdate.copy(momentum, model);
    }

    NegativeQueue queue() { return queue; }

    /** After the optimiser step: moves the momentum encoder and enqueues its embeddings of this batch. */
    void afterStep(ElixrC model, Var pixels, TokenBatch tokens, long[] groups) {
        MomentumUpdate.update(momentum, model, MOMENTUM);
        momentum.train();
        try (var g = GradMode.noGrad()) {
            Tensor u = momentum.embedImages(pixels).value();
            Tensor v = momentum.embedTexts(tokens).value();
            queue.enqueue(u, v, groups);
        }
    }

    /** The queue and the momentum encoder, for the checkpoint. */
    Map<String, Tensor> state() {
        Map<String, Tensor> m = new LinkedHashMap<>(queue.state());
        momentum.stateDict().forEach((k, t) -> m.put(PREFIX + k, t));
        return m;
    }

    /** Starts the momentum encoder again from the model (a resumed checkpoint that was written without a queue). */
    void restart(ElixrC model) {
        MomentumUpdate.copy(momentum, model);
    }

    void restore(Map<String, Tensor> state) {
        queue.restore(state);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        state.forEach((k, t) -> { if (k.startsWith(PREFIX)) weights.put(k.substring(PREFIX.length()), t); });
        if (weights.isEmpty()) throw new IllegalArgumentException("checkpoint holds a negative queue but no momentum encoder (" + PREFIX + "*)");
        momentum.loadStateDict(weights, true);
    }
}
