package dev.elixr.models.llm;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Greedy, temperature, top-k, top-p, min-p and repetition penalty on hand-made logits. */
class SamplerTest {
    private static final float[] LOGITS = {1f, 3f, 2.5f, -1f, 0f, 2.9f}; // probabilities at T=1: .07 .35 .21 .007 .03 .32

    private static Set<Integer> drawn(Sampler.Options o, int n) {
        Sampler s = new Sampler(o);
        Set<Integer> out = new HashSet<>();
        for (int i = 0; i < n; i++) out.add(s.sample(LOGITS, new int[0]));
        return out;
    }

    @Test
    void greedyTakesTheArgmax() { assertEquals(1, new Sampler(Sampler.Options.greedy()).sample(LOGITS, new int[0])); }

    @Test
    void topKOfTwoDrawsOnlyTheTwoMostLikely() {
        assertEquals(Set.of(1, 5), drawn(new Sampler.Options(1, 2, 1, 0, 1, 7), 400));
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // sorted probabilities .35, .32, .21, …: 0.6 is reached by the first two
        assertEquals(Set.of(1, 5), drawn(new Sampler.Options(1, 0, 0.6f, 0, 1, 3), 400));
        assertEquals(Set.of(1, 5, 2), drawn(new Sampler.Options(1, 0, 0.8f, 0, 1, 3), 400));
    }

    @Test
    void minPDropsTokensBelowAFractionOfTheTopProbability() {
        // 0.5 × .35 = .17: tokens 1, 5 and 2 (.21) stay, 0 (.07) goes
        assertEquals(Set.of(1, 5, 2), drawn(new Sampler.Options(1, 0, 1, 0.5f, 1, 5), 600));
    }

    @Test
    void fullSamplingFollowsTheSoftmaxFrequencies() {
        Sampler s = new Sampler(new Sampler.Options(1, 0, 1, 0, 1, 11));
        int n = 20000;
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < n; i++) counts[s.sample(LOGITS, new int[0])]++;
        double z = 0;
        for (float l : LOGITS) z += Math.exp(l);
        for (int i = 0; i < LOGITS.length; i++) {
            double p = Math.exp(LOGITS[i]) / z, sd = Math.sqrt(p * (1 - p) / n);
            assertEquals(p, counts[i] / (double) n, 5 * sd, "token " + i);
        }
    }

    @Test
    void theSameSeedGivesTheSameDraws() {
        Sampler.Options o = new Sampler.Options(0.8f, 4, 0.95f, 0.01f, 1.1f, 42);
        Sampler a = new Sampler(o), b = new Sampler(o);
        int[] x = new int[50], y = new int[50];
        for (int i = 0; i < 50; i++) {
            x[i] = a.sample(LOGITS, new int[] {1});
            y[i] = b.sample(LOGITS, new int[] {1});
        }
        assertArrayEquals(x, y);
    }

    @Test
    void repetitionPenaltyTurnsGreedyAwayFromSeenTokens() {
        Sampler s = new Sampler(new Sampler.Options(0, 0, 1, 0, 1.2f, 0));
        assertEquals(5, s.sample(LOGITS, new int[] {1}), "3/1.2 = 2.5 < 2.9");
    }

    @Test
    void invalidOptionsAreRefusedNamingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Sampler.Options(1, 0, 0, 0, 1, 0));
        assertTrue(e.getMessage().startsWith("top-p must be in (0, 1]"), e.getMessage());
    }

    @Test
    void descendingOrderBreaksTiesByLowerId() {
        assertArrayEquals(new int[] {2, 0, 3, 1}, Sampler.descending(new float[] {1f, -2f, 5f, 1f}));
    }
}
