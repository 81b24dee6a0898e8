package dev.elixr.autograd;

import dev.elixr.tensor.Storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * How many bytes a recorded graph keeps alive until its backward: the storages of every intermediate value reachable
 * from the output and of the constant inputs the ops read (images, masks), each storage counted once; parameters
 * (leaves that require grad) are left out, as they live anyway; what an op declares it keeps for its backward
 * ({@link Node#savedBytes}: attention's probabilities) is added. Other tensors a backward function saves that are not
 * the value of some variable (e.g. indices of a max) are not seen, so this is an estimate from below of the activation
 * memory of training; it is exact about what {@link ActivationCheckpoint} saves.
 */
public final class GraphMemory {
    private GraphMemory() {}

    public static long retainedBytes(Var root) {
        Map<Storage, Boolean> storages = new IdentityHashMap<>();
        Map<Var, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Var> stack = new ArrayDeque<>();
        stack.push(root);
        seen.put(root, Boolean.TRUE);
        long bytes = 0;
        while (!stack.isEmpty()) {
            Var v = stack.pop();
            if (v.isLeaf() && v.requiresGrad()) continue;
            Storage s = v.value().storage();
            if (storages.put(s, Boolean.TRUE) == null) bytes += s.size() * s.dtype().byteSize();
            if (v.isLeaf() || v.node().released()) continue;
            bytes += v.node().savedBytes(1);
            for (Var in : v.node().inputs()) if (in != null && seen.put(in, Boolean.TRUE) == null) stack.push(in);
        }
        return bytes;
    }

    /**
     * The most bytes a {@code backward()} from this root holds at once, parameters and their gradients left out: the
     * sweep replayed in {@link Backprop}'s order over the recorded graph. It starts from {@link #retainedBytes} plus the
     * seed; at each node it holds what is still alive, the gradients pending for variables not yet visited, the gradients
     * the node returns for intermediate variables (one more where one is summed into a pending gradient; leaves' gradients
     * are the parameters' own, counted with them), the scratch the op declares ({@link Node#workspaceBytes}) and what
     * every node not yet run keeps for its backward ({@link Node#savedBytes}); after the node, its output's gradient, its
     * value and what it kept are let go (a storage once no
     * unvisited variable holds it; a constant once its last consumer has run). Scratch an op does not declare and tensors
     * a backward function keeps besides variables' values are not seen.
     */
    public static long backwardPeakBytes(Var root) { return backwardPeakBytes(root, v -> 0); }

    /**
     * {@link #backwardPeakBytes(Var)} with {@code extra} bytes of scratch at the node of each variable on top of what the
     * op declares: e.g. an activation checkpoint's recomputed block and its backward, which the outer graph cannot see.
     */
    public static long backwardPeakBytes(Var root, ToLongFunction<Var> extra) { return backwardPeakBytes(root, extra, 1); }

    /**
     * {@link #backwardPeakBytes(Var, ToLongFunction)} of the same graph over a batch {@code copies} times as large (the
     * graph recorded on one image, the plan for a batch of them): the values, pending and returned gradients scale with
     * the batch; an op's scratch scales too, up to the {@link Node#workspaceLimit} of an op that works in chunks of
     * images; {@code extra} is taken as given for the whole batch.
     */
    public static long backwardPeakBytes(Var root, ToLongFunction<Var> extra, int copies) {
        if (copies < 1) throw new IllegalArgumentException("backwardPeakBytes: copies must be >= 1, got " + copies);
        Map<Storage, long[]> holders = new IdentityHashMap<>();
        Map<Var, int[]> consumersOfConstants = new IdentityHashMap<>();
        List<Var> order = new ArrayList<>();
        Map<Var, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Var> stack = new ArrayDeque<>();
        stack.push(root);
        seen.put(root, Boolean.TRUE);
        long alive = 0, saved = 0; // saved: what ops keep for their backward, for the whole batch
        while (!stack.isEmpty()) {
            Var v = stack.pop();
            if (v.isLeaf() && v.requiresGrad()) continue;
            long[] h = holders.computeIfAbsent(v.value().storage(), k -> new long[1]);
            if (h[0]++ == 0) alive += storageBytes(v);
            if (v.isLeaf() || v.node().released()) continue;
            saved += v.node().savedBytes(copies);
            order.add(v);
            for (Var in : v.node().inputs()) {
                if (in == null) continue;
                if (!in.requiresGrad()) consumersOfConstants.computeIfAbsent(in, k -> new int[1])[0]++;
                if (seen.put(in, Boolean.TRUE) == null) stack.push(in);
            }
        }
        order.sort(Comparator.comparingLong((Var v) -> v.seq).reversed());
        Map<Var, Boolean> pending = new IdentityHashMap<>();
        pending.put(root, Boolean.TRUE);
        long pendingBytes = gradientBytes(root), peak = copies * (alive + pendingBytes) + saved;
        for (Var v : order) {
            boolean reached = pending.remove(v) != null;
            Var[] inputs = v.node().inputs();
            if (reached) {
                long returned = 0, summed = 0;
                for (Var in : inputs) {
                    if (in == null || !in.requiresGrad() || in.isLeaf()) continue;  // a leaf's gradient is the parameter's own
                    returned += gradientBytes(in);
                    if (pending.containsKey(in)) summed = Math.max(summed, gradientBytes(in));
                }
                long ws = v.node().workspaceBytes(), scratch = Math.min(ws * copies, Math.max(ws, v.node().workspaceLimit()));
                peak = Math.max(peak, copies * (alive + pendingBytes + returned + summed) + saved + scratch + extra.applyAsLong(v));
                pendingBytes -= gradientBytes(v);
                for (Var in : inputs)
                    if (in != null && in.requiresGrad() && !in.isLeaf() && pending.put(in, Boolean.TRUE) == null) pendingBytes += gradientBytes(in);
            }
            alive -= release(holders, v);
            saved -= v.node().savedBytes(copies);
            for (Var in : inputs) {
                int[] c = in == null ? null : consumersOfConstants.get(in);
                if (c != null && --c[0] == 0) alive -= release(holders, in);
            }
        }
        return peak;
    }

    /** The most elements any value reachable from the root holds (parameters left out), for a tensor-size limit. */
    public static long largestValueElements(Var root) {
        Map<Var, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Var> stack = new ArrayDeque<>();
        stack.push(root);
        seen.put(root, Boolean.TRUE);
        long largest = 0;
        while (!stack.isEmpty()) {
            Var v = stack.pop();
            if (v.isLeaf() && v.requiresGrad()) continue;
            largest = Math.max(largest, v.value().numel());
            if (v.isLeaf() || v.node().released()) continue;
            for (Var in : v.node().inputs()) if (in != null && seen.put(in, Boolean.TRUE) == null) stack.push(in);
        }
        return largest;
    }

    /** One holder of v's storage fewer; its bytes when that was the last. */
    private static long release(Map<Storage, long[]> holders, Var v) {
        long[] h = holders.get(v.value().storage());
        return h != null && --h[0] == 0 ? storageBytes(v) : 0;
    }

    private static long storageBytes(Var v) {
        Storage s = v.value().storage();
        return s.size() * s.dtype().byteSize();
    }

    private static long gradientBytes(Var v) { return (long) v.value().numel() * v.value().dtype().byteSize(); }
}
