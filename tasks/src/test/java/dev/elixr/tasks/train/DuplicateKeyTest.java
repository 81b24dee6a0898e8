package dev.elixr.tasks.train;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrStudy;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DuplicateKeyTest {
    static CxrStudy study(String id, float... firstLabels) {
        float[] labels = new float[CheXpertLabel.values().length];
        Arrays.fill(labels, Float.NaN);
        System.arraycopy(firstLabels, 0, labels, 0, firstLabels.length);
        return new CxrStudy("p", id, id, Path.of(id + ".png"), "", labels, "train", "PA", List.of());
    }

    @Test void textKeyIgnoresCasePunctuationAndSpacing() {
        CxrStudy a = study("a"), b = study("b");
        assertEquals(DuplicateKey.TEXT.group(a, "No acute cardiopulmonary process."),
                DuplicateKey.TEXT.group(b, "  no acute  cardiopulmonary\nprocess "));
        assertNotEquals(DuplicateKey.TEXT.group(a, "No acute cardiopulmonary process."),
                DuplicateKey.TEXT.group(b, "Acute cardiopulmonary process."));
    }

    @Test void labelKeyComparesTheWholeLabelVectorWithBlanksDistinctFromNegatives() {
        assertEquals(DuplicateKey.LABELS.group(study("a", 1, 0), "x"), DuplicateKey.LABELS.group(study("b", 1, 0), "y"));
        assertNotEquals(DuplicateKey.LABELS.group(study("a", 1, 0), "x"), DuplicateKey.LABELS.group(study("b", 1), "x"));
        assertNotEquals(DuplicateKey.LABELS.group(study("a", 1, -1), "x"), DuplicateKey.LABELS.group(study("b", 1, 0), "x"));
    }

    @Test void parsesNamesAndRefusesOthers() {
        assertEquals(DuplicateKey.LABELS, DuplicateKey.parse("Labels"));
        var e = assertThrows(IllegalArgumentException.class, () -> DuplicateKey.parse("report"));
        assertTrue(e.getMessage().contains("text or labels"));
    }
}
