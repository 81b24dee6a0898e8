package dev.elixr.autograd;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reverse sweep: collects the nodes reachable from the output, visits them in reverse creation order
 * (a topological order), hands each the summed gradient of its output, accumulates the returned input
 * gradients, stores leaf gradients, and frees each node right after its backward; the sweep drops its own reference
 * to each variable once visited, so an activation is collectable as soon as its last consumer's backward has run (its
 * consumers come before it in the order), not only when the whole sweep ends.
 */
final class Backprop {
    private Backprop() {}

    static void run(Var root, Tensor seed) { run(root, seed, null); }

    /**
     * The sweep with leaf gradients summed into leafGradients (in the order the sweep reaches them, as a leaf's own
     * gradient would be) instead of added to the leaves, when that map is given ({@link ShardedBackward}).
     */
    static void run(Var root, Tensor seed, Map<Var, Tensor> leafGradients) {
        if (!seed.sameShape(root.value())) {
            throw new IllegalArgumentException("backward: gradient " + Shape.str(seed.shape()) + " differs from output " + Shape.str(root.shape()));
        }
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the output does not require grad (no input requires grad, or it was computed under GradMode.noGrad())");
        }
        if (root.isLeaf()) {
            toLeaf(root, seed, leafGradients);
            return;
        }
        List<Var> order = reachable(root);
        Map<Var, Tensor> pending = new IdentityHashMap<>();
        pending.put(root, seed);
        for (int k = 0; k < order.size(); k++) {
            Var v = order.set(k, null);
            Tensor g = pending.remove(v);
            if (g == null) continue;
            Node n = v.node();
            Var[] inputs = n.inputs();
            Tensor[] grads = n.backward(g);
            if (AnomalyMode.isEnabled()) AnomalyMode.checkBackward(n, grads);
            n.release();
            for (int i = 0; i < inputs.length; i++) {
                Var in = inputs[i];
                if (in == null || !in.requiresGrad() || grads[i] == null) continue;
                Tensor gi = grads[i];
                if (!gi.sameShape(in.value())) {
                    throw new IllegalStateException("backward of '" + n.op() + "': gradient of input " + i + " is " + Shape.str(gi.shape())
                            + ", input is " + Shape.str(in.shape()));
                }
                if (in.isLeaf()) toLeaf(in, gi, leafGradients);
                else pending.merge(in, gi, Accumulate::sum);
            }
        }
    }

    private static void toLeaf(Var leaf, Tensor g, Map<Var, Tensor> leafGradients) {
        if (leafGradients == null) leaf.accumulateGrad(g);
        else leafGradients.merge(leaf, g, Accumulate::sum);
    }

    /** Non-leaf variables reachable from root, latest first. Iterative, so deep graphs do not overflow the stack. */
    private static List<Var> reachable(Var root) {
        Map<Var, Boolean> seen = new IdentityHashMap<>();
        List<Var> out = new ArrayList<>();
        ArrayDeque<Var> stack = new ArrayDeque<>();
        stack.push(root);
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Var v = stack.pop();
            out.add(v);
            for (Var in : v.node().inputs()) {
                if (in != null && !in.isLeaf() && in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) stack.push(in);
            }
        }
        out.sort(Comparator.comparingLong((Var v) -> v.seq).reversed());
        return out;
    }
}
