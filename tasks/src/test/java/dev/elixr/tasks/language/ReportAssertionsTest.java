package dev.elixr.tasks.language;

import dev.elixr.tasks.language.ReportAssertions.Assertion;
import dev.elixr.tasks.language.ReportAssertions.Parsed;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.elixr.tasks.data.CheXpertLabel.*;
import static dev.elixr.tasks.data.Finding.Laterality.*;
import static dev.elixr.tasks.data.Finding.Severity.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ReportAssertionsTest {
    @Test
    void assertedFindingsCarryTheSideAndSeverityOfTheirSentenceAndDenialsAreOnlyMentioned() {
        Parsed p = ReportAssertions.parse("FINDINGS: There is a small left pleural effusion. No pneumothorax. The heart is mildly enlarged. "
                + "IMPRESSION: 1. Small left pleural effusion.\n2. Mild cardiomegaly.");
        assertEquals(List.of(new Assertion(CARDIOMEGALY, null, SMALL), new Assertion(PLEURAL_EFFUSION, LEFT, SMALL)), p.asserted());
        assertEquals(Set.of(CARDIOMEGALY, PLEURAL_EFFUSION, PNEUMOTHORAX), p.mentioned());
    }

    @Test
    void specialPhrasingsGiveSideAndSeverity() {
        Parsed p = ReportAssertions.parse("FINDINGS: Blunting of the right costophrenic angle consistent with a small pleural effusion. "
                + "Severe alveolar pulmonary edema with Kerley B lines. Moderate bibasilar atelectasis. A 1.3 cm nodule in the left upper lobe.");
        assertEquals(List.of(new Assertion(ATELECTASIS, BILATERAL, null), new Assertion(EDEMA, null, LARGE),
                new Assertion(LUNG_LESION, LEFT, null), new Assertion(PLEURAL_EFFUSION, RIGHT, SMALL)), p.asserted());
    }

    @Test
    void uncertainAndResolvedFindingsAreMentionedButNotAsserted() {
        Parsed p = ReportAssertions.parse("FINDINGS: Possible pneumonia. The previously noted small left apical pneumothorax has resolved. "
                + "The lungs are clear. IMPRESSION: No acute cardiopulmonary process.");
        assertEquals(List.of(), p.asserted());
        assertEquals(Set.of(PNEUMONIA, PNEUMOTHORAX), p.mentioned());
    }

    @Test
    void theFirstSideAndSeverityGivenAreKeptWhenTheImpressionLeavesThemOut() {
        Parsed p = ReportAssertions.parse("FINDINGS: Large right pneumothorax with a visible visceral pleural line. IMPRESSION: Pneumothorax.");
        assertEquals(List.of(new Assertion(PNEUMOTHORAX, RIGHT, LARGE)), p.asserted());
    }

    @Test
    void supportDevicesAreNeitherAssertedNorMentioned() {
        Parsed p = ReportAssertions.parse("FINDINGS: Endotracheal tube terminates 4 cm above the carina. Left-sided pacemaker with leads in the right atrium.");
        assertEquals(List.of(), p.asserted());
        assertEquals(Set.of(), p.mentioned());
    }
}
