package dev.elixr.tasks.language;

import dev.elixr.models.llm.KvCache;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AnswerLikelihoodTest {
    private static final LlamaConfig CONFIG = new LlamaConfig("llama", 61, 32, 64, 2, 4, 2, 8, 1e-5f, 10000, null, false, false, false, true, 128, 0, 59, new int[] {60});

    private static Tensor prefix(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * CONFIG.hiddenSize()];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.wrap(v, n, CONFIG.hiddenSize());
    }

    /** Σ log softmax in double, one token at a time through the KV cache (teacher forcing), the prefix prefilled first. */
    private static double direct(LlamaModel m, Tensor prefix, int[] prompt, int[] answer) {
        KvCache cache = m.newCache(prefix.size(0) + prompt.length + answer.length);
        m.forwardEmbeds(prefix, cache, false);
        float[] logits = m.next(prompt, cache);
        double sum = 0;
        for (int t = 0; t < answer.length; t++) {
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (float l : logits) max = Math.max(max, l);
            for (float l : logits) z += Math.exp(l - max);
            sum += logits[answer[t]] - max - Math.log(z);
            if (t + 1 < answer.length) logits = m.next(new int[] {answer[t]}, cache);
        }
        return sum;
    }

    @Test
    void logProbabilityOfOneForwardEqualsTokenByTokenDecodingAfterASoftPrompt() {
        LlamaModel m = LlamaModel.random(CONFIG, 5);
        Tensor prefix = prefix(7, 4);
        int[] prompt = {1, 17, 4, 33, 9}, answer = {12, 40, 60};
        assertEquals(direct(m, prefix, prompt, answer), AnswerLikelihood.logProb(m, prefix, prompt, answer), 1e-4);
        assertEquals(direct(m, prefix, prompt, new int[] {60}), AnswerLikelihood.logProb(m, prefix, prompt, new int[] {60}), 1e-4);
    }

    @Test
    void theProbabilitiesOfEveryOneTokenAnswerSumToOne() {
        LlamaModel m = LlamaModel.random(CONFIG, 6);
        Tensor prefix = prefix(8, 3);
        double total = 0;
        for (int v = 0; v < CONFIG.vocabSize(); v++) total += Math.exp(AnswerLikelihood.logProb(m, prefix, new int[] {2, 3}, new int[] {v}));
        assertEquals(1.0, total, 1e-4);
    }

    @Test
    void answersScoredAfterACachedPrefixEqualWholeForwardsAndLeaveThePrefixInTheCache() {
        LlamaModel m = LlamaModel.random(CONFIG, 9);
        Tensor prefix = prefix(10, 5);
        int[][] prompts = {{1, 17, 4, 33, 9}, {2, 8}, {3}};
        java.util.List<int[]> answers = java.util.List.of(new int[] {12, 40, 60}, new int[] {60}, new int[] {5, 60}, new int[] {7, 7, 7, 60});
        int room = 0;
        for (int[] p : prompts) room = Math.max(room, AnswerLikelihood.room(p, answers));
        KvCache cache = AnswerLikelihood.prefill(m, prefix, room);
        for (int[] p : prompts) {
            double[] got = AnswerLikelihood.logProbs(m, cache, p, answers);
            assertEquals(prefix.size(0), cache.length(), "the cache holds the prefix alone again");
            for (int a = 0; a < answers.size(); a++)
                assertEquals(AnswerLikelihood.logProb(m, prefix, p, answers.get(a)), got[a], 1e-4, "prompt " + java.util.Arrays.toString(p) + ", answer " + a);
        }
    }

    @Test
    void answersScoredWithoutAPrefixEqualWholeForwards() {
        LlamaModel m = LlamaModel.random(CONFIG, 11);
        int[] prompt = {4, 5, 6};
        java.util.List<int[]> answers = java.util.List.of(new int[] {9, 60}, new int[] {10, 11, 60});
        double[] got = AnswerLikelihood.logProbs(m, AnswerLikelihood.prefill(m, null, AnswerLikelihood.room(prompt, answers)), prompt, answers);
        for (int a = 0; a < answers.size(); a++) assertEquals(AnswerLikelihood.logProb(m, null, prompt, answers.get(a)), got[a], 1e-4);
    }
}
