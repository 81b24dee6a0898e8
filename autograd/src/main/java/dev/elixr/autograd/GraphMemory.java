package dev.elixr.autograd;

import dev.elixr.tensor.Storage;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * How many bytes a recorded graph keeps alive until its backward: the storages of every intermediate value reachable
 * from the output and of the constant inputs the ops read (images, masks), each storage counted once; parameters
 * (leaves that require grad) are left out, as they live anyway. Tensors a backward function saves that are not the
 * value of some variable (e.g. indices of a max) are not seen, so this is an estimate from below of the activation
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
            for (Var in : v.node().inputs()) if (in != null && seen.put(in, Boolean.TRUE) == null) stack.push(in);
        }
        return bytes;
    }
}
