package dev.elixr.tasks.language;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --vqa-repeats}: the pool holds each question of a named category K times in a row; bad values and unknown categories are refused. */
class QuestionRepeatsTest {
    static Instruction q(String id, String category) {
        return new Instruction(id, "train", LanguageTask.VQA, "Question: ? Answer:", "yes", "closed", category);
    }

    static final Instruction SIDE = q("a", "laterality"), PRESENCE = q("b", "presence"), SEVERITY = q("c", "severity"), SIDE2 = q("d", "laterality");

    @Test void eachQuestionOfANamedCategoryStandsKTimesInARowAndZeroDropsItsCategory() {
        var r = QuestionRepeats.parse("laterality=3,severity=0");
        assertEquals(List.of(SIDE, SIDE, SIDE, PRESENCE, SIDE2, SIDE2, SIDE2), r.apply(List.of(SIDE, PRESENCE, SEVERITY, SIDE2)));
        assertEquals("laterality=3,severity=0", r.toString());
        assertEquals(3, r.repeats("laterality"));
        assertEquals(1, r.repeats("presence"));
    }

    @Test void noRepeatsLeaveThePoolAsItIsAndAreRecordedAsNone() {
        List<Instruction> items = List.of(SIDE, PRESENCE);
        assertSame(items, QuestionRepeats.none().apply(items));
        assertSame(items, QuestionRepeats.parse("").apply(items));
        assertTrue(QuestionRepeats.parse("presence=1").isNone());
        assertTrue(QuestionRepeats.parse(null).isNone());
    }

    @Test void malformedNegativeNonIntegerAndRepeatedCategoriesAreRefusedNamingTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QuestionRepeats.parse("laterality")).getMessage()
                .contains("expected category=repeats"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QuestionRepeats.parse("laterality=-1")).getMessage()
                .contains("the repeats of laterality must be an integer >= 0, got -1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QuestionRepeats.parse("laterality=1.5")).getMessage()
                .contains("'1.5' (laterality) is not an integer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QuestionRepeats.parse("severity=2,severity=3")).getMessage()
                .contains("severity given twice"));
    }

    @Test void aCategoryNoQuestionHasIsRefusedNamingThoseThereAreAndAPoolLeftEmptyIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> QuestionRepeats.parse("lateralty=3").apply(List.of(SIDE, PRESENCE)));
        assertTrue(e.getMessage().contains("'lateralty'") && e.getMessage().contains("categories: laterality, presence"), e.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> QuestionRepeats.parse("laterality=0").apply(List.of(SIDE, SIDE2)));
        assertTrue(empty.getMessage().contains("leaves no training visual question"), empty.getMessage());
    }
}
