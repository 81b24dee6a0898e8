package dev.elixr.models.qformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Shape;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The adapter of ELIXR-B stage 2 (Xu et al. 2023, §2.2; BLIP-2 §3.3): the Q-Former's query outputs [B,Q,H] mapped into
 * the language model's embedding width [B,Q,D], to be prepended to the prompt as soft-prompt tokens. {@link Kind#LINEAR}
 * is BLIP-2's {@code language_projection} (one Linear, parameters {@code weight} [D,H] and {@code bias} [D], as Hugging
 * Face names them); {@link Kind#MLP} is the small MLP the ELIXR paper describes ({@code fc1} H→D, GELU, {@code fc2}
 * D→D). Both are initialised as torch.nn.Linear.
 */
public final class LanguageProjection extends Module {
    /** The adapter's form. */
    public enum Kind {
        LINEAR, MLP;

        /** "linear" or "mlp", case-insensitive. */
        public static Kind parse(String s) {
            for (Kind k : values()) if (k.name().equalsIgnoreCase(s)) return k;
            throw new IllegalArgumentException("adapter '" + s + "': expected linear or mlp");
        }

        @Override public String toString() { return name().toLowerCase(Locale.ROOT); }
    }

    private final Kind kind;
    private final int in, out;
    private final Parameter weight, bias;
    private final Linear fc1, fc2;

    public LanguageProjection(Kind kind, int qformerWidth, int llmWidth, RandomGenerator rng) {
        if (qformerWidth <= 0 || llmWidth <= 0)
            throw new IllegalArgumentException("language projection: widths must be positive, got " + qformerWidth + " → " + llmWidth);
        this.kind = kind;
        this.in = qformerWidth;
        this.out = llmWidth;
        if (kind == Kind.LINEAR) {
            Linear l = new Linear(qformerWidth, llmWidth, true, rng);
            this.weight = registerParameter("weight", l.weight().value());
            this.bias = registerParameter("bias", l.bias().value());
            this.fc1 = this.fc2 = null;
        } else {
            this.weight = this.bias = null;
            this.fc1 = registerModule("fc1", new Linear(qformerWidth, llmWidth, true, rng));
            this.fc2 = registerModule("fc2", new Linear(llmWidth, llmWidth, true, rng));
        }
    }

    public Kind kind() { return kind; }

    public int inWidth() { return in; }

    public int outWidth() { return out; }

    /** Query outputs [B,Q,H] → soft-prompt embeddings [B,Q,D]. */
    public Var forward(Var queries) {
        if (queries.dim() != 3 || queries.size(2) != in)
            throw new IllegalArgumentException("language projection: query outputs " + Shape.str(queries.shape()) + ", expected [B,Q," + in + "]");
        if (kind == Kind.LINEAR) return Functional.linear(queries, weight, bias);
        return fc2.forward(Activation.GELU.forward(fc1.forward(queries)));
    }
}
