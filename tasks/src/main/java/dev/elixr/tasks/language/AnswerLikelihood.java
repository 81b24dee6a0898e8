package dev.elixr.tasks.language;

import dev.elixr.models.llm.LlamaModel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Index;

/**
 * The log-probability the LLM gives a whole answer after a prefix of soft-prompt vectors and the prompt's ids:
 * log P(a₁ … aₙ | prefix, prompt) = Σₜ log softmax(logitsₜ)[aₜ], with teacher forcing, from one forward pass over
 * prefix, prompt and the answer less its last id (the logits at every position). Used to score closed answers
 * ("yes" against "no", "left" against "right") instead of reading the greedy text.
 */
public final class AnswerLikelihood {
    private AnswerLikelihood() {}

    /** log P(answer | prefix, prompt); prefix [P, hidden] may be null, prompt and answer must not be empty. */
    public static double logProb(LlamaModel model, Tensor prefix, int[] prompt, int[] answer) {
        if (prompt.length == 0) throw new IllegalArgumentException("answer likelihood: the prompt is empty");
        if (answer.length == 0) throw new IllegalArgumentException("answer likelihood: the answer is empty");
        int[] ids = new int[prompt.length + answer.length - 1];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        System.arraycopy(answer, 0, ids, prompt.length, answer.length - 1);
        int p = prefix == null ? 0 : prefix.size(0);
        Tensor x = prefix == null ? model.embed(ids) : Index.concat(0, prefix, model.embed(ids));
        float[] logits = model.forwardEmbeds(x, model.newCache(p + ids.length), true).toFloatArray();
        int vocab = model.config().vocabSize();
        double sum = 0;
        for (int t = 0; t < answer.length; t++) sum += logSoftmaxAt(logits, (p + prompt.length - 1 + t) * vocab, vocab, answer[t]);
        return sum;
    }

    /** log softmax of the row of {@code vocab} logits at {@code offset}, at index {@code id} (in double). */
    static double logSoftmaxAt(float[] logits, int offset, int vocab, int id) {
        if (id < 0 || id >= vocab) throw new IllegalArgumentException("answer likelihood: token id " + id + " outside the vocabulary of " + vocab);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]);
        double z = 0;
        for (int i = 0; i < vocab; i++) z += Math.exp(logits[offset + i] - max);
        return logits[offset + id] - max - Math.log(z);
    }
}
