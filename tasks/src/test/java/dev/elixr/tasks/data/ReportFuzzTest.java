package dev.elixr.tasks.data;

import dev.elixr.tasks.train.ReportText;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 12,000 seeded mutations of radiology reports (ASCII, accented and non-Latin UTF-8, a byte-order mark, CRLF lines),
 * read by {@link ReportFile#decode} and, when usable, sectioned as training reads them ({@link ReportText}): each input
 * is either usable text (not blank, no NUL) whose sections can be taken, or unusable with its problem and its file
 * named. The reader never throws; any exception or error, or an input over 20 s, fails the test.
 */
class ReportFuzzTest {
    static final int INPUTS = 12_000;
    static final long SEED = 0x4E9027L;

    static final List<String> REPORTS = List.of(
            "                                 FINAL REPORT\n EXAMINATION:  CHEST (PA AND LAT)\n\n INDICATION:  Cough.\n\n"
                    + " FINDINGS:  The lungs are clear. No pleural effusion or pneumothorax.\n\n IMPRESSION:  No acute process.\n",
            "\uFEFFFINDINGS: Mild cardiomegaly, unchanged.\r\nIMPRESSION:\r\nStable cardiomegaly; small left effusion.\r\n",
            "Befund: Herz normal groß. Kein Pneumothorax – Zwerchfell glatt.\n\nBeurteilung: unauffällig.",
            "所見：両肺野に異常なし。\n印象：正常。 Ü ß é ñ",
            "IMPRESSION: Right lower lobe opacity, likely pneumonia. Recommend follow-up radiograph in 4-6 weeks.");

    @Test
    void everyMutatedReportIsTextOrUnusableWithItsFileNamed() {
        var outcome = Fuzz.run(INPUTS, 20, i -> {
            SplittableRandom rnd = new SplittableRandom(SEED + i);
            byte[] base = REPORTS.get(rnd.nextInt(REPORTS.size())).getBytes(StandardCharsets.UTF_8);
            String how = Fuzz.MUTATIONS[rnd.nextInt(Fuzz.MUTATIONS.length)];
            byte[] bytes = Fuzz.mutate(base, how, 0, rnd);
            Path name = Path.of("files/p10/p10000001/s5" + i + "-" + how + ".txt");
            ReportFile.Report r = ReportFile.decode(bytes, name);
            assertEquals(name, r.file());
            if (!r.usable()) {
                assertNotNull(r.problem(), name.toString());
                assertNull(r.text(), name.toString());
                return false;
            }
            assertFalse(r.text().isBlank(), name.toString());
            assertTrue(r.text().indexOf('\0') < 0, name.toString());
            assertNotNull(ReportText.findingsAndImpression(r.text()));
            assertNotNull(ReportText.impression(r.text()));
            return true;
        });
        assertEquals(INPUTS, outcome.accepted() + outcome.refused());
        assertTrue(outcome.accepted() > 1000 && outcome.refused() > 1000, outcome + ": the mutations should reach both outcomes");
    }
}
