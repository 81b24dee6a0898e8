package dev.elixr.autograd;

import dev.elixr.tensor.Tensor;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Activation (gradient) checkpointing (Chen et al. 2016, "Training Deep Nets with Sublinear Memory Cost", §4): a
 * block's forward runs without recording a graph, so only its input is kept; its backward runs the forward again with
 * a graph, on a detached copy of the input, and back-propagates the incoming gradient through that recomputed graph.
 * Parameter gradients accumulate into the parameters during that inner pass; the input's gradient is returned to the
 * outer one. Memory for a stack of L blocks falls from L blocks' activations to L inputs plus one block's activations,
 * for one extra forward per block. The block must compute the same function both times: no dropout draws, no
 * running statistics updated in the forward (batch norm in training mode); the caller checks that.
 */
public final class ActivationCheckpoint {
    private ActivationCheckpoint() {}

    private static final ThreadLocal<int[]> FIRST_PASS = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * True while a checkpointed block runs its first forward (without a graph) on this thread: its output must equal what
     * the backward's recomputation (with a graph) gives, so a layer with a separate no-graph path (a fused inference
     * kernel) takes the graph path's arithmetic instead.
     */
    public static boolean inFirstPass() { return FIRST_PASS.get()[0] > 0; }

    /**
     * {@code block.apply(x)}, keeping only {@code x} for the backward. {@code parameters} are the block's parameters (its
     * gradients reach them); outside grad mode, or when neither {@code x} nor a parameter requires grad, this is just
     * {@code block.apply(x)}.
     */
    public static Var apply(String name, UnaryOperator<Var> block, Var x, List<? extends Var> parameters) {
        Var[] inputs = new Var[parameters.size() + 1];
        inputs[0] = x;
        for (int i = 0; i < parameters.size(); i++) inputs[i + 1] = parameters.get(i);
        if (!Var.needsGraph(inputs)) return block.apply(x);
        Tensor y;
        int[] depth = FIRST_PASS.get();
        depth[0]++;
        try (var g = GradMode.noGrad()) {
            y = block.apply(x).value();
        } finally {
            depth[0]--;
        }
        return Var.result("checkpoint(" + name + ")", y, grad -> {
            Var in = Var.param(x.value()).requiresGrad(x.requiresGrad());
            Var out;
            try (var g = GradMode.enableGrad()) {
                out = block.apply(in);
            }
            Tensor[] grads = new Tensor[inputs.length];
            if (out.requiresGrad()) out.backward(grad);  // parameter gradients accumulate here
            grads[0] = x.requiresGrad() ? in.grad() : null;
            return grads;
        }, inputs);
    }
}
