package dev.elixr.tasks.language;

import dev.elixr.models.llm.KvCache;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Index;

import java.util.Arrays;
import java.util.List;

/**
 * The log-probability the LLM gives a whole answer after a prefix of soft-prompt vectors and the prompt's ids:
 * log P(a₁ … aₙ | prefix, prompt) = Σₜ log softmax(logitsₜ)[aₜ], with teacher forcing, from one forward pass over
 * prefix, prompt and the answer less its last id (the logits at every position). Used to score closed answers
 * ("yes" against "no", "left" against "right") instead of reading the greedy text. {@link #logProbs} scores several
 * answers (and several prompts) after a prefix that is run once into a KV cache ({@link #prefill}): the report checks
 * ask a dozen questions of one soft prompt, each with two or five answers.
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

    /** A KV cache holding the prefix [P, hidden] (none when null), with room for {@code more} positions after it. */
    public static KvCache prefill(LlamaModel model, Tensor prefix, int more) {
        KvCache cache = model.newCache((prefix == null ? 0 : prefix.size(0)) + Math.max(1, more));
        if (prefix != null) model.forwardEmbeds(prefix, cache, false);
        return cache;
    }

    /** Room {@link #logProbs} needs after the prefix for this prompt and these answers. */
    public static int room(int[] prompt, List<int[]> answers) {
        return prompt.length + answers.stream().mapToInt(a -> a.length).max().orElse(1);
    }

    /**
     * log P(answer | prefix, prompt) for each answer, the prefix already in {@code cache}: the prompt is run once after
     * it, each answer continues from the prompt's end (the cache truncated back between answers), and the cache is left
     * holding the prefix alone. The same sums as {@link #logProb} up to float rounding (attention over cached keys
     * sums in another order).
     */
    public static double[] logProbs(LlamaModel model, KvCache cache, int[] prompt, List<int[]> answers) {
        if (prompt.length == 0) throw new IllegalArgumentException("answer likelihood: the prompt is empty");
        int start = cache.length(), vocab = model.config().vocabSize();
        try {
            float[] last = model.next(prompt, cache);
            int afterPrompt = cache.length();
            double[] out = new double[answers.size()];
            for (int i = 0; i < out.length; i++) {
                int[] a = answers.get(i);
                if (a.length == 0) throw new IllegalArgumentException("answer likelihood: answer " + i + " is empty");
                cache.truncate(afterPrompt);
                double sum = logSoftmaxAt(last, 0, vocab, a[0]);
                if (a.length > 1) {
                    float[] rest = model.forward(Arrays.copyOf(a, a.length - 1), cache).toFloatArray();
                    for (int t = 1; t < a.length; t++) sum += logSoftmaxAt(rest, (t - 1) * vocab, vocab, a[t]);
                }
                out[i] = sum;
            }
            return out;
        } finally {
            cache.truncate(start);
        }
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
