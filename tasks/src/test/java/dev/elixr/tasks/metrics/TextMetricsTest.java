package dev.elixr.tasks.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** BLEU-4, ROUGE-L and per-finding F1 against hand-computed cases and NLTK's corpus_bleu (make_text_fixture.py). */
class TextMetricsTest {
    private static List<String> t(String s) { return TextTokens.of(s); }

    @Test
    void bleu4OfTheCatSatOnTheMatIsTheFourthRootOfOneTwelfth() {
        // p1 = 5/6 (clipped "the"), p2 = 3/5, p3 = 2/4, p4 = 1/3, equal lengths: BP = 1; NLTK gives 0.537284965911771
        double b = Bleu.bleu4(List.of(t("the cat sat on the mat")), List.of(t("the cat sat on a mat")));
        assertEquals(Math.pow(1.0 / 12, 0.25), b, 1e-12);
        assertEquals(0.537284965911771, b, 1e-12);
    }

    @Test
    void bleu4AppliesTheBrevityPenaltyToAShortCandidate() {
        // candidate = the first 5 of 8 reference tokens: every precision 1, BP = exp(1 - 8/5)
        double b = Bleu.bleu4(List.of(t("a b c d e")), List.of(t("a b c d e f g h")));
        assertEquals(Math.exp(1 - 8.0 / 5), b, 1e-12);
    }

    @Test
    void bleu4IsZeroWithoutAMatchingFourGramAndOneForIdenticalText() {
        assertEquals(0.0, Bleu.bleu4(List.of(t("no acute process")), List.of(t("no acute process"))), "3 tokens have no 4-gram");
        assertEquals(1.0, Bleu.bleu4(List.of(t("moderate left pleural effusion")), List.of(t("Moderate left pleural effusion."))), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Bleu.bleu4(List.of(t("a")), List.of()));
    }

    static Stream<JsonNode> nltkCases() throws IOException {
        try (InputStream in = TextMetricsTest.class.getResourceAsStream("/metrics/text-metrics-fixture.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            return IntStream.range(0, root.get("cases").size()).mapToObj(i -> root.get("cases").get(i));
        }
    }

    @ParameterizedTest
    @MethodSource("nltkCases")
    void bleu4EqualsNltkCorpusBleuOnSeededCorpora(JsonNode c) {
        assertEquals(c.get("bleu4").asDouble(), Bleu.bleu4(lists(c.get("candidates")), lists(c.get("references"))), 1e-12);
    }

    private static List<List<String>> lists(JsonNode n) {
        List<List<String>> out = new ArrayList<>();
        for (JsonNode row : n) {
            List<String> r = new ArrayList<>();
            row.forEach(x -> r.add(x.asText()));
            out.add(r);
        }
        return out;
    }

    @Test
    void rougeLOfLinsPoliceExamplesIsThreeQuartersAndOneHalf() {
        // Lin 2004 §3.1: reference "police killed the gunman"; LCS 3 ("police the gunman") and 2 ("the gunman")
        assertEquals(0.75, RougeL.f1(t("police kill the gunman"), t("police killed the gunman")), 1e-12);
        assertEquals(0.5, RougeL.f1(t("the gunman kill police"), t("police killed the gunman")), 1e-12);
    }

    @Test
    void rougeLUsesPrecisionAndRecallOfTheLongestCommonSubsequence() {
        // LCS "the cat sat on mat" = 5: P = 5/6, R = 5/7, F1 = 2PR/(P+R) = 10/13
        assertEquals(5, RougeL.lcs(t("the cat sat on the mat"), t("the cat sat on a big mat")));
        assertEquals(10.0 / 13, RougeL.f1(t("the cat sat on the mat"), t("the cat sat on a big mat")), 1e-12);
        assertEquals(0.0, RougeL.f1(t(""), t("a b")));
        assertEquals(0.0, RougeL.f1(t("x y"), t("a b")));
    }

    @Test
    void findingF1CountsAssertionsAndIsUndefinedWhenNeitherSideNamesTheFinding() {
        FindingF1 f = new FindingF1();
        assertNull(f.f1());
        f.add(false, false);
        assertNull(f.f1());
        f.add(true, true);   // TP
        f.add(true, true);   // TP
        f.add(true, false);  // FN
        f.add(false, true);  // FP
        assertEquals(4.0 / 6, f.f1(), 1e-12);
        assertEquals(3, f.support());
    }
}
