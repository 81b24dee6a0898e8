package dev.elixr.autograd.nn;

import dev.elixr.autograd.ActivationCheckpoint;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link ActivationCheckpoint} for a module with state (Chen et al. 2016, §4): the recomputation in the backward must
 * not move the module's buffers a second time (batch norm in training mode updates its running statistics in every
 * forward), so the buffers the first forward left are put back after the recomputation. Batch statistics themselves
 * are recomputed from the same input and are the same; dropout-like draws are the caller's to keep outside.
 */
public final class ModuleCheckpoint {
    private ModuleCheckpoint() {}

    /** {@code block.forward(x)}, keeping only {@code x} for the backward; the block's buffers are updated once. */
    public static <M extends Module & Layer> Var apply(String name, M block, Var x) {
        boolean[] recomputing = {false};
        return ActivationCheckpoint.apply(name, in -> {
            if (!recomputing[0]) {
                recomputing[0] = true;
                return block.forward(in);
            }
            Map<String, Tensor> before = new LinkedHashMap<>();
            block.namedBuffers().forEach((n, t) -> before.put(n, t.copy()));
            try {
                return block.forward(in);
            } finally {
                block.loadStateDict(before, false);
            }
        }, x, block.parameters());
    }
}
