package dev.elixr.models.llm;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Chooses the next token from logits, in Hugging Face's order: repetition penalty on tokens already in the context
 * (Keskar et al. 2019, CTRL §4.1: a positive logit divided by the penalty, a negative one multiplied), then
 * temperature, top-k, top-p (nucleus, Holtzman et al. 2020: the smallest set of most likely tokens whose
 * probability reaches p), min-p (tokens below minP × the top probability dropped), then a seeded draw.
 * Temperature 0 is greedy (the argmax after the penalty; ties to the lowest id).
 */
public final class Sampler {
    /** Temperature 0 = greedy; topK 0 = off; topP 1 = off; minP 0 = off; repetitionPenalty 1 = off. */
    public record Options(float temperature, int topK, float topP, float minP, float repetitionPenalty, long seed) {
        public Options {
            if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
            if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
            if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
            if (!(minP >= 0 && minP < 1)) throw new IllegalArgumentException("min-p must be in [0, 1), got " + minP);
            if (!(repetitionPenalty > 0)) throw new IllegalArgumentException("repetition penalty must be > 0, got " + repetitionPenalty);
        }

        public static Options greedy() { return new Options(0, 0, 1, 0, 1, 0); }
    }

    private final Options o;
    private final SplittableRandom rng;

    public Sampler(Options options) {
        this.o = options;
        this.rng = new SplittableRandom(options.seed());
    }

    /** The next token given the logits of the last position and the ids of the context so far. */
    public int sample(float[] logits, int[] context) {
        float[] l = logits.clone();
        if (o.repetitionPenalty() != 1) penalise(l, context);
        if (o.temperature() == 0) return argmax(l);
        for (int i = 0; i < l.length; i++) l[i] /= o.temperature();
        if (o.topK() == 0 && o.topP() == 1 && o.minP() == 0) return draw(l);
        int[] order = descending(l);
        int keep = o.topK() > 0 ? Math.min(o.topK(), l.length) : l.length;
        double[] p = softmax(l, order, keep);
        if (o.topP() < 1) {
            double cum = 0;
            for (int i = 0; i < keep; i++) {
                cum += p[i];
                if (cum >= o.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        if (o.minP() > 0) {
            int k = 1;
            while (k < keep && p[k] >= o.minP() * p[0]) k++;
            keep = k;
        }
        double total = 0;
        for (int i = 0; i < keep; i++) total += p[i];
        double u = rng.nextDouble() * total;
        for (int i = 0; i < keep; i++) {
            u -= p[i];
            if (u < 0) return order[i];
        }
        return order[keep - 1];
    }

    /** A draw from softmax(l) over the whole vocabulary, no sort needed. */
    private int draw(float[] l) {
        double max = l[argmax(l)], sum = 0;
        double[] e = new double[l.length];
        for (int i = 0; i < l.length; i++) sum += e[i] = Math.exp(l[i] - max);
        double u = rng.nextDouble() * sum;
        for (int i = 0; i < l.length; i++) {
            u -= e[i];
            if (u < 0) return i;
        }
        return argmax(l);
    }

    /** Token ids by falling logit, ties by rising id (one primitive sort of packed keys). */
    static int[] descending(float[] l) {
        long[] keys = new long[l.length];
        for (int i = 0; i < l.length; i++) {
            int bits = Float.floatToIntBits(l[i]);
            int ordered = bits >= 0 ? bits : bits ^ 0x7fffffff; // float order as signed int order
            keys[i] = ((long) ~ordered << 32) | i;             // descending value, then ascending id
        }
        Arrays.sort(keys);
        int[] order = new int[l.length];
        for (int i = 0; i < order.length; i++) order[i] = (int) keys[i];
        return order;
    }

    private void penalise(float[] l, int[] context) {
        boolean[] seen = new boolean[l.length];
        for (int id : context) if (id >= 0 && id < l.length) seen[id] = true;
        for (int i = 0; i < l.length; i++) if (seen[i]) l[i] = l[i] > 0 ? l[i] / o.repetitionPenalty() : l[i] * o.repetitionPenalty();
    }

    static int argmax(float[] l) {
        int best = 0;
        for (int i = 1; i < l.length; i++) if (l[i] > l[best]) best = i;
        return best;
    }

    /** Probabilities of the first n tokens in order, normalised over those n. */
    private static double[] softmax(float[] l, int[] order, int n) {
        double[] p = new double[n];
        double max = l[order[0]], sum = 0;
        for (int i = 0; i < n; i++) sum += p[i] = Math.exp(l[order[i]] - max);
        for (int i = 0; i < n; i++) p[i] /= sum;
        return p;
    }
}
