package dev.elixr.tasks.train;

import dev.elixr.models.text.WordPieceTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ReportTextTest {
    @Test void findingsAndImpressionOnly() {
        String r = " EXAMINATION:  CHEST\n \n INDICATION: cough.\n \n FINDINGS:\n \n No pleural\n effusion.\n \n IMPRESSION:\n \n No acute process.\n";
        assertEquals("No pleural effusion. No acute process.", ReportText.findingsAndImpression(r));
    }

    @Test void impressionAloneOnOneLine() {
        String r = " FINDINGS:\n \n Small left\n effusion.\n \n IMPRESSION:\n \n 1. Small left pleural\n effusion.\n 2. No pneumothorax.\n";
        assertEquals("1. Small left pleural effusion. 2. No pneumothorax.", ReportText.impression(r));
        assertEquals("", ReportText.impression(" FINDINGS:\n \n Clear lungs.\n"));
        assertEquals("", ReportText.impression(null));
    }

    @Test void sectionedReportHasOneLinePerHeadingInOrderWithoutTheBanner() {
        String r = "                  FINAL REPORT\n EXAMINATION:  CHEST (PA AND LAT)\n \n INDICATION: cough.\n \n FINDINGS:\n \n No pleural\n effusion.\n \n IMPRESSION:\n \n No acute process.\n";
        assertEquals("EXAMINATION: CHEST (PA AND LAT)\nINDICATION: cough.\nFINDINGS: No pleural effusion.\nIMPRESSION: No acute process.",
                ReportText.sectioned(r));
        assertEquals("Clear lungs.", ReportText.sectioned("Clear\n lungs."));
        assertEquals("", ReportText.sectioned(" "));
    }

    @Test void vocabularyCoversTheReportsAndSplitsUnseenWords() {
        var v = ReportVocabulary.build(List.of("Small left pleural effusion.", "No pneumothorax."), 1);
        assertEquals("[PAD]", v.token(0));
        var tok = new WordPieceTokenizer(v, true);
        assertEquals(List.of("small", "left", "pleural", "effusion", "."), tok.tokenize("Small left pleural effusion."));
        assertFalse(tok.tokenize("cardiomegaly").contains("[UNK]"));
    }
}
