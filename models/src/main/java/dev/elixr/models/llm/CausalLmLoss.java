package dev.elixr.models.llm;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Shape;

import java.util.function.UnaryOperator;

/**
 * The causal language-modelling loss of Hugging Face's {@code LlamaForCausalLM} (labels shifted inside): the logits
 * at position t of a row predict the label at t + 1; labels equal to {@link #IGNORE} (−100, PyTorch's ignore_index)
 * are not counted, and the loss is the mean cross-entropy over the counted ones. A row of ids right-padded to a common
 * length needs no attention mask: causal attention never lets a position read the padding after it, so ignoring the
 * padding's labels is enough. Stage 2 counts only the answer: its soft prompt, prompt and padding are {@link #IGNORE}.
 */
public final class CausalLmLoss {
    /** A label that is not counted (PyTorch's default ignore_index). */
    public static final int IGNORE = -100;

    private CausalLmLoss() {}

    /** Mean next-token cross-entropy of logits [B, T, V] against labels [B·T] (row-major; {@link #IGNORE} not counted). */
    public static Var of(Var logits, int[] labels) {
        if (logits.dim() != 3) throw new IllegalArgumentException("CausalLmLoss: logits " + Shape.str(logits.shape()) + ", expected [B, T, vocab]");
        int b = logits.size(0), t = logits.size(1), v = logits.size(2);
        if (labels.length != b * t)
            throw new IllegalArgumentException("CausalLmLoss: " + labels.length + " labels for logits " + Shape.str(logits.shape()) + " (expected B·T = " + b * t + ")");
        if (t < 2) throw new IllegalArgumentException("CausalLmLoss: rows of " + t + " positions have no next token to predict");
        int[] targets = new int[b * (t - 1)];
        for (int r = 0; r < b; r++) {
            for (int i = 1; i < t; i++) {
                int label = labels[r * t + i];
                if (label != IGNORE && (label < 0 || label >= v))
                    throw new IllegalArgumentException("CausalLmLoss: label " + label + " at row " + r + ", position " + i + " is outside the vocabulary [0, " + v + ")");
                targets[r * (t - 1) + i - 1] = label;
            }
        }
        return Functional.crossEntropy(logits.narrow(1, 0, t - 1).reshape(b * (t - 1), v), targets, 0f, IGNORE);
    }

    /**
     * The same loss from hidden states [B, T, D] with the LM head applied only at the positions whose next label counts
     * (stage 2 counts a few answer tokens of each row: the head's matrix product and the softmax over the vocabulary at
     * every other position are skipped). Equal to {@code of(head(hidden), labels)}.
     */
    public static Var ofCounted(Var hidden, int[] labels, UnaryOperator<Var> head) {
        return ofCounted(new Var[] {hidden}, new int[][] {labels}, head);
    }

    /**
     * {@link #ofCounted(Var, int[], UnaryOperator)} over groups of rows, each its own hidden states [B_g, T_g, D] and
     * labels [B_g·T_g] (a batch encoded in length groups): the mean over every counted label of all the groups, the
     * head applied once to all their predicting positions.
     */
    public static Var ofCounted(Var[] hidden, int[][] labels, UnaryOperator<Var> head) {
        if (hidden.length != labels.length || hidden.length == 0)
            throw new IllegalArgumentException("CausalLmLoss: " + hidden.length + " groups of hidden states and " + labels.length + " of labels");
        java.util.List<Var> parts = new java.util.ArrayList<>();
        int[][] rows = new int[hidden.length][], targets = new int[hidden.length][];
        for (int g = 0; g < hidden.length; g++) {
            Var h = hidden[g];
            if (h.dim() != 3) throw new IllegalArgumentException("CausalLmLoss: hidden states " + Shape.str(h.shape()) + ", expected [B, T, D]");
            int b = h.size(0), t = h.size(1), d = h.size(2);
            if (labels[g].length != b * t)
                throw new IllegalArgumentException("CausalLmLoss: " + labels[g].length + " labels for hidden states " + Shape.str(h.shape()) + " (expected B·T = " + b * t + ")");
            int n = counted(labels[g], t);
            rows[g] = new int[n];
            targets[g] = new int[n];
            for (int r = 0, k = 0; r < b; r++)
                for (int i = 1; i < t; i++)
                    if (labels[g][r * t + i] != IGNORE) { rows[g][k] = r * t + i - 1; targets[g][k++] = labels[g][r * t + i]; }
            if (n > 0) parts.add(Functional.rows(h.reshape(b * t, d), rows[g]));
        }
        if (parts.isEmpty()) throw new IllegalArgumentException("CausalLmLoss: no label counts (all are IGNORE or first in their row)");
        Var logits = head.apply(parts.size() == 1 ? parts.get(0) : Functional.concat(0, parts.toArray(Var[]::new)));
        int v = logits.size(1);
        for (int g = 0; g < hidden.length; g++)
            for (int k = 0; k < targets[g].length; k++)
                if (targets[g][k] < 0 || targets[g][k] >= v) {
                    int t = hidden[g].size(1);
                    throw new IllegalArgumentException("CausalLmLoss: label " + targets[g][k] + " at row " + rows[g][k] / t + ", position "
                            + (rows[g][k] % t + 1) + (hidden.length > 1 ? " of group " + g : "") + " is outside the vocabulary [0, " + v + ")");
                }
        return Functional.crossEntropy(logits, java.util.Arrays.stream(targets).flatMapToInt(java.util.Arrays::stream).toArray());
    }

    /** Labels for ids [B·T] where only the positions marked counted are predicted: ids there, {@link #IGNORE} elsewhere. */
    public static int[] labels(int[] ids, boolean[] counted) {
        if (ids.length != counted.length) throw new IllegalArgumentException("CausalLmLoss.labels: " + ids.length + " ids but " + counted.length + " flags");
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = counted[i] ? ids[i] : IGNORE;
        return out;
    }

    /** The number of labels that count towards the loss of labels [B·T] (the first position of each row never does). */
    public static int counted(int[] labels, int length) {
        int n = 0;
        for (int i = 0; i < labels.length; i++) if (i % length != 0 && labels[i] != IGNORE) n++;
        return n;
    }
}
