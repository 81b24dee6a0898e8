package dev.elixr.tasks.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class SentenceSamplingTest {
    static final String REPORT = "Moderate cardiomegaly. No pneumothorax. 1. Small left pleural effusion. The lungs are clear otherwise!";

    @Test void splitsSentencesAndKeepsListNumbersAttached() {
        assertEquals(List.of("Moderate cardiomegaly.", "No pneumothorax.", "1. Small left pleural effusion.", "The lungs are clear otherwise!"),
                SentenceSampling.sentences(REPORT));
    }

    @Test void probabilityZeroKeepsTheReport() {
        var s = new SentenceSampling(0);
        for (int i = 0; i < 20; i++) assertEquals(REPORT, s.apply(REPORT, new SplittableRandom(i)));
    }

    @ParameterizedTest @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void samplesANonEmptyInOrderSubsetOfSentences(int seed) {
        var all = SentenceSampling.sentences(REPORT);
        String got = new SentenceSampling(1).apply(REPORT, new SplittableRandom(seed));
        List<String> kept = SentenceSampling.sentences(got);
        assertFalse(kept.isEmpty());
        int last = -1;
        for (String k : kept) {
            int at = all.indexOf(k);
            assertTrue(at > last, "sentence '" + k + "' out of order or not from the report: " + got);
            last = at;
        }
    }

    @Test void aboutHalfTheSentencesAreKeptAndAllSubsetsOccur() {
        var s = new SentenceSampling(1);
        SplittableRandom r = new SplittableRandom(11);
        Set<String> distinct = new HashSet<>();
        double kept = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            String t = s.apply(REPORT, r.split());
            distinct.add(t);
            kept += SentenceSampling.sentences(t).size();
        }
        assertEquals(15, distinct.size(), "the 15 non-empty subsets of 4 sentences");
        assertEquals(2.0 + 4.0 / 16 / 4, kept / n, 0.06); // 4 x 1/2, plus a single sentence when all 4 were dropped (1/16)
    }

    @Test void refusesProbabilitiesOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> new SentenceSampling(1.5));
        assertThrows(IllegalArgumentException.class, () -> new SentenceSampling(Double.NaN));
    }
}
