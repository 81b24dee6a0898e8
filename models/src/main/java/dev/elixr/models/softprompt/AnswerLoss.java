package dev.elixr.models.softprompt;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Shape;

/**
 * The stage-2 objective (BLIP-2 §3.3, ELIXR-B §2.2): next-token cross-entropy averaged over the answer tokens only;
 * positions whose target is {@link SoftPromptBatch#IGNORE} (soft prompt, prompt, padding) contribute neither to the
 * value nor to the gradient.
 */
public final class AnswerLoss {
    private AnswerLoss() {}

    /** logits [B, Q+L, V] against the batch's targets. */
    public static Var of(Var logits, SoftPromptBatch batch) {
        if (logits.dim() != 3 || logits.size(0) != batch.batch() || logits.size(1) != batch.fullLength())
            throw new IllegalArgumentException("answer loss: logits " + Shape.str(logits.shape()) + ", expected [" + batch.batch() + ", "
                    + batch.fullLength() + ", vocab]");
        if (batch.answerTokens() == 0) throw new IllegalArgumentException("answer loss: the batch has no answer token");
        int v = logits.size(2);
        for (int t : batch.targets())
            if (t != SoftPromptBatch.IGNORE && (t < 0 || t >= v)) throw new IllegalArgumentException("answer loss: target id " + t + " outside the vocabulary [0, " + v + ")");
        return Functional.crossEntropy(logits.reshape(batch.batch() * batch.fullLength(), v), batch.targets(), 0f, SoftPromptBatch.IGNORE);
    }
}
