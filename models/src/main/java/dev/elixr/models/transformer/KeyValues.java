package dev.elixr.models.transformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;

/**
 * The keys and values of one attention layer, split into heads [B,H,T,Dh]: what a decoder caches (Hugging Face's
 * {@code past_key_values}) so that later tokens attend to earlier ones without recomputing them. BLIP-2's image-grounded
 * text generation reuses the query pass's keys and values this way (Li et al. 2023, §3.2).
 */
public record KeyValues(Var keys, Var values) {
    public KeyValues {
        if (keys.dim() != 4 || !java.util.Arrays.equals(keys.shape(), values.shape())) {
            throw new IllegalArgumentException("keys " + keys + " and values " + values + " must both be [B,H,T,Dh]");
        }
    }

    /** Number of positions T. */
    public int length() { return keys.size(2); }

    /** These positions followed by later ones, along T. */
    public KeyValues append(KeyValues later) {
        return new KeyValues(Functional.concat(2, keys, later.keys), Functional.concat(2, values, later.values));
    }
}
