package dev.elixr.models.qformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.models.transformer.KeyValues;

import java.util.List;

/**
 * The query-only pass of the Q-Former: the query outputs [B,Q,D] (Hugging Face's {@code last_hidden_state}) and, per
 * layer, the queries' self-attention keys and values, which image-grounded text generation attends to.
 */
public record QueryOutput(Var hidden, List<KeyValues> keysValues) {
    public QueryOutput {
        keysValues = List.copyOf(keysValues);
    }

    /** The given images' outputs and keys and values, in that order (differentiable gathers). */
    public QueryOutput rows(int[] rows) {
        return new QueryOutput(Functional.rows(hidden, rows), keysValues.stream()
                .map(kv -> new KeyValues(Functional.rows(kv.keys(), rows), Functional.rows(kv.values(), rows))).toList());
    }
}
