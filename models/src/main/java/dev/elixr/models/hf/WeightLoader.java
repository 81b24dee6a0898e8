package dev.elixr.models.hf;

import dev.elixr.autograd.nn.Module;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Strict loading of mapped weights into a module: every parameter and buffer must be present with the shape the
 * config gives it (only {@code num_batches_tracked} may be absent), and nothing may be left over. All problems are
 * collected before failing.
 */
public final class WeightLoader {
    private WeightLoader() {}

    /** Loads or throws {@link WeightLoadException}; listAll puts every problem in the message. */
    public static void load(Module model, Map<String, Tensor> weights, String source, boolean listAll) {
        List<String> problems = check(model, weights);
        if (!problems.isEmpty()) throw new WeightLoadException(source, model.getClass().getSimpleName(), problems, listAll);
        model.loadStateDict(weights, false);
    }

    /** Missing, mis-shaped and unexpected tensors, one message each (empty when the weights fit). */
    public static List<String> check(Module model, Map<String, Tensor> weights) {
        Map<String, Tensor> own = model.stateDict();
        List<String> problems = new ArrayList<>();
        for (var e : own.entrySet()) {
            Tensor w = weights.get(e.getKey());
            if (w == null) {
                if (!e.getKey().endsWith("num_batches_tracked")) {
                    problems.add("missing " + e.getKey() + " (expected shape " + Shape.str(e.getValue().shape()) + ")");
                }
            } else if (!w.sameShape(e.getValue())) {
                problems.add("shape mismatch " + e.getKey() + ": expected " + Shape.str(e.getValue().shape())
                        + ", found " + Shape.str(w.shape()));
            }
        }
        for (var e : weights.entrySet()) {
            if (!own.containsKey(e.getKey())) problems.add("unexpected " + e.getKey() + " " + Shape.str(e.getValue().shape()));
        }
        return problems;
    }
}
