package dev.elixr.tasks.language;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Impression scores: the keyword labeller's per-finding F1 and macro F1, BLEU-4 and ROUGE-L, on hand-checked pairs. */
class ImpressionScoreTest {
    @Test
    void identicalImpressionsScoreOneOnEveryMetric() {
        List<String> refs = List.of("Moderate cardiomegaly. Small left pleural effusion.", "New right upper lobe pneumonia with consolidation.");
        Map<String, Object> m = ImpressionScore.score(refs, refs);
        assertEquals(1.0, (Double) m.get("macro_f1"), 1e-12);
        assertEquals(1.0, (Double) m.get("bleu4"), 1e-12);
        assertEquals(1.0, (Double) m.get("rouge_l"), 1e-12);
        assertEquals(4, m.get("findings_in_macro"), "Cardiomegaly, Pleural Effusion, Pneumonia, Consolidation");
    }

    @Test
    void aMissedAndAnInventedFindingCountAsFalseNegativeAndFalsePositive() {
        // item 1: cardiomegaly found, effusion missed; item 2: edema invented where the reference is normal ("No acute" denies nothing)
        List<String> gen = List.of("Moderate cardiomegaly.", "Mild pulmonary edema.");
        List<String> ref = List.of("Moderate cardiomegaly. Small left pleural effusion.", "No acute cardiopulmonary process.");
        Map<String, Object> m = ImpressionScore.score(gen, ref);
        Map<?, ?> by = (Map<?, ?>) m.get("by_finding");
        assertEquals(1.0, (Double) ((Map<?, ?>) by.get("Cardiomegaly")).get("f1"), 1e-12);
        assertEquals(0.0, (Double) ((Map<?, ?>) by.get("Pleural Effusion")).get("f1"), 1e-12);
        assertEquals(0.0, (Double) ((Map<?, ?>) by.get("Edema")).get("f1"), 1e-12);
        assertNull(((Map<?, ?>) by.get("Fracture")).get("f1"));
        assertEquals(1.0 / 3, (Double) m.get("macro_f1"), 1e-12, "mean of 1, 0, 0 over the three named findings");
        assertEquals("Cardiomegaly; Pleural Effusion", ImpressionScore.asserted(ref.get(0)));
        assertEquals("", ImpressionScore.asserted("No pleural effusion or pneumothorax."));
    }
}
