package dev.elixr.tasks.train;

import dev.elixr.models.elixr.DuplicatePolicy;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.WordPieceTokenizer;
import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tasks.data.ImagePipeline;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** The texts a training step draws: full reports, impressions alone, sentence subsets, negated sentences dropped; deterministic per (seed, step). */
class TextSamplerTest {
    @TempDir static Path tmp;
    static ImageBank bank;
    static WordPieceTokenizer tok;
    static List<Encoding> full;

    @BeforeAll static void data() throws Exception {
        SyntheticCxr.generate(tmp, SyntheticCxr.Options.of(24, 5).withSize(32).withProgress(false));
        bank = ImagePipeline.of(ImagePreprocessing.standard(32)).load(MimicCxrJpg.read(tmp), new PrintStream(OutputStream.nullOutputStream()), "t");
        List<String> reports = bank.studies().stream().map(s -> ReportText.findingsAndImpression(s.report())).toList();
        tok = new WordPieceTokenizer(ReportVocabulary.build(reports, 1), true);
        full = reports.stream().map(r -> tok.encode(r, 128, false)).toList();
    }

    static List<String> texts(ContrastiveObjective o, long step) {
        var b = new TextSampler(tok, bank.studies(), full, o, 128, 9).batch(IntStream.range(0, bank.count()).toArray(), step);
        return IntStream.of(b.rows()).mapToObj(r -> Arrays.toString(b.encodings().get(r).ids())).toList();
    }

    /** A text as the sampler's encodings show it: its token ids. */
    static String tokens(String text) { return Arrays.toString(tok.encode(text, 128, false).ids()); }

    @Test void impressionOnlyOneTrainsOnEveryImpression() {
        var o = new ContrastiveObjective(DuplicatePolicy.MASK, DuplicateKey.TEXT, 0, 0, 1.0);
        List<String> got = texts(o, 3);
        for (int i = 0; i < bank.count(); i++) {
            String imp = ReportText.impression(bank.studies().get(i).report());
            assertFalse(imp.isEmpty(), "synthetic reports have an impression");
            assertEquals(tokens(imp), got.get(i));
        }
    }

    @Test void impressionOnlyZeroKeepsTheFullReports() {
        List<String> got = texts(new ContrastiveObjective(DuplicatePolicy.MASK, DuplicateKey.TEXT, 0, 0, 0), 3);
        for (int i = 0; i < bank.count(); i++) assertEquals(tokens(ReportText.findingsAndImpression(bank.studies().get(i).report())), got.get(i));
    }

    @Test void aMixtureDrawsBothAndIsAFunctionOfTheStep() {
        var o = new ContrastiveObjective(DuplicatePolicy.MASK, DuplicateKey.TEXT, 0, 0, 0.5);
        List<String> a = texts(o, 4);
        assertEquals(a, texts(o, 4));
        int impressions = 0, reports = 0;
        for (int i = 0; i < bank.count(); i++) {
            String r = bank.studies().get(i).report();
            if (a.get(i).equals(tokens(ReportText.impression(r)))) impressions++;
            else if (a.get(i).equals(tokens(ReportText.findingsAndImpression(r)))) reports++;
        }
        assertEquals(bank.count(), impressions + reports, "every text is the impression or the full report");
        assertTrue(impressions > 2 && reports > 2, impressions + " impressions, " + reports + " full reports");
        assertNotEquals(a, texts(o, 5));
    }

    @Test void dropNegatedOneKeepsEveryOtherSentenceInOrderAndNoNegatedOneUnlessAllAre() {
        var o = new ContrastiveObjective(DuplicatePolicy.MASK, DuplicateKey.TEXT, 0, 0, 0, 1.0);
        List<String> got = texts(o, 3);
        int dropped = 0;
        for (int i = 0; i < bank.count(); i++) {
            List<String> sentences = SentenceSampling.sentences(ReportText.findingsAndImpression(bank.studies().get(i).report()));
            List<String> kept = sentences.stream().filter(t -> !NegatedSentences.negated(t)).toList();
            dropped += sentences.size() - kept.size();
            assertEquals(tokens(String.join(" ", kept.isEmpty() ? sentences : kept)), got.get(i));
        }
        assertTrue(dropped > 5, dropped + " negated sentences in the synthetic reports");
    }

    @Test void dropNegatedSparesImpressionOnlyTexts() {
        var all = new ContrastiveObjective(DuplicatePolicy.MASK, DuplicateKey.TEXT, 0, 0, 1.0, 1.0);
        List<String> got = texts(all, 3);
        for (int i = 0; i < bank.count(); i++) assertEquals(tokens(ReportText.impression(bank.studies().get(i).report())), got.get(i));
    }

    @Test void dropNegatedHalfKeepsEveryPlainSentenceDropsSomeNegatedOnesAndIsAFunctionOfTheStep() {
        var half = new ContrastiveObjective(DuplicatePolicy.MASK, DuplicateKey.TEXT, 0, 0, 0, 0.5);
        List<String> got = texts(half, 7);
        assertEquals(got, texts(half, 7));
        int kept = 0, dropped = 0;
        for (int i = 0; i < bank.count(); i++) {
            List<String> sentences = SentenceSampling.sentences(ReportText.findingsAndImpression(bank.studies().get(i).report()));
            // the text is one subset of the negated sentences with every plain one, in order: find which
            int negated = (int) sentences.stream().filter(NegatedSentences::negated).count(), match = -1;
            for (int mask = 0; mask < 1 << negated && match < 0; mask++) {
                List<String> subset = new java.util.ArrayList<>();
                int k = 0;
                for (String s : sentences) if (!NegatedSentences.negated(s) || (mask >> k++ & 1) != 0) subset.add(s);
                if (!subset.isEmpty() && tokens(String.join(" ", subset)).equals(got.get(i))) match = mask;
            }
            assertTrue(match >= 0, "text " + i + " keeps every plain sentence and a subset of the negated ones, in order");
            kept += Integer.bitCount(match);
            dropped += negated - Integer.bitCount(match);
        }
        assertTrue(kept > 2 && dropped > 2, kept + " negated sentences kept, " + dropped + " dropped at probability 0.5");
        assertNotEquals(got, texts(half, 8));
    }

    @Test void negatedSentencesAreThoseOpeningWithANegation() {
        assertTrue(NegatedSentences.negated("No pleural effusion or pneumothorax."));
        assertTrue(NegatedSentences.negated("There is no focal consolidation."));
        assertTrue(NegatedSentences.negated("No evidence of pneumonia."));
        assertFalse(NegatedSentences.negated("Small left pleural effusion, no pneumothorax."));
        assertFalse(NegatedSentences.negated("Nodular opacity in the right upper lobe."));
    }

    @Test void refusesAProbabilityOutsideZeroOne() {
        var n = assertThrows(IllegalArgumentException.class, () -> new ContrastiveObjective(DuplicatePolicy.MASK, DuplicateKey.TEXT, 0, 0, 0, -0.1));
        assertTrue(n.getMessage().contains("drop negated"));
        var e = assertThrows(IllegalArgumentException.class, () -> new ContrastiveObjective(DuplicatePolicy.MASK, DuplicateKey.TEXT, 0, 0, 1.5));
        assertTrue(e.getMessage().contains("impression only"));
    }
}
