package dev.elixr.models.softprompt;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.elixr.models.softprompt.SoftPromptBatch.IGNORE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SoftPromptBatchTest {
    @Test
    void onlyAnswerPositionsCarryALabel() {
        var b = SoftPromptBatch.of(List.of(new int[] {5, 6, 7}, new int[] {5}), List.of(new int[] {8, 9, 2}, new int[] {8, 2}), 2, 0);
        assertEquals(6, b.length());
        assertArrayEquals(new int[] {5, 6, 7, 8, 9, 2, 5, 8, 2, 0, 0, 0}, b.ids());
        int I = IGNORE;
        // row 0: 2 soft, prompt 5 6 7, answer 8 9 2; row 1: 2 soft, prompt 5, answer 8 2, padding
        assertArrayEquals(new int[] {I, I, I, I, I, 8, 9, 2, I, I, I, 8, 2, I, I, I}, b.labels());
        assertEquals(5, b.answerTokens());
    }

    @Test
    void anAnswerRightAfterTheSoftPromptIsLabelledWhereItStands() {
        var b = SoftPromptBatch.of(List.of(new int[0]), List.of(new int[] {4, 2}), 3, 0);
        assertArrayEquals(new int[] {IGNORE, IGNORE, IGNORE, 4, 2}, b.labels());
        assertEquals(2, b.answerTokens());
    }

    @Test
    void refusesAnEmptyAnswerAndMismatchedLists() {
        assertThrows(IllegalArgumentException.class, () -> SoftPromptBatch.of(List.of(new int[] {1}), List.of(new int[0]), 2, 0));
        assertThrows(IllegalArgumentException.class, () -> SoftPromptBatch.of(List.of(new int[] {1}), List.of(), 2, 0));
        assertThrows(IllegalArgumentException.class, () -> SoftPromptBatch.of(List.of(new int[0]), List.of(new int[] {3}), 0, 0));
    }

    @Test
    void rowsKeepTheirIdsAndLabelsWithLessPaddingAndExtentsEndAtTheLastAnswerToken() {
        var b = SoftPromptBatch.of(List.of(new int[] {5, 6, 7}, new int[] {5}), List.of(new int[] {8, 9, 2}, new int[] {8, 2}), 2, 0);
        assertEquals(8, b.extent(0));
        assertEquals(5, b.extent(1));
        var r = b.rows(new int[] {1}, 3);
        assertArrayEquals(new int[] {5, 8, 2}, r.ids());
        assertArrayEquals(new int[] {IGNORE, IGNORE, IGNORE, 8, 2}, r.labels());
        assertEquals(2, r.answerTokens());
        var both = b.rows(new int[] {1, 0}, 6);
        assertArrayEquals(new int[] {5, 8, 2, 0, 0, 0, 5, 6, 7, 8, 9, 2}, both.ids());
        assertThrows(IllegalArgumentException.class, () -> b.rows(new int[] {0}, 5), "row 0 needs all 6 text positions");
        assertThrows(IllegalArgumentException.class, () -> b.rows(new int[] {2}, 6));
    }

    @Test
    void shardsHoldEveryRowOnceInOrderWithTheLongestRowsSpreadAndRowsPadOnlyToTheirLongest() {
        // text lengths 3, 9, 5, 2, 8, 4 (extents 5, 11, 7, 4, 10, 6 with 2 soft tokens): longest first to the lighter shard
        List<int[]> prompts = List.of(new int[] {1, 2}, new int[] {1, 2, 3, 4, 5, 6, 7, 8}, new int[] {1, 2, 3, 4}, new int[] {1},
                new int[] {1, 2, 3, 4, 5, 6, 7}, new int[] {1, 2, 3});
        List<int[]> answers = List.of(new int[] {2}, new int[] {2}, new int[] {2}, new int[] {2}, new int[] {2}, new int[] {2});
        var b = SoftPromptBatch.of(prompts, answers, 2, 0);
        int[][] two = b.shards(2);
        // 11 → 0; 10 → 1; 7 → 1 (10 < 11); 6 → 0 (11 < 17); 5 → 0 (17 = 17, the first); 4 → 1 (22 > 17)
        assertArrayEquals(new int[] {0, 1, 5}, two[0]);
        assertArrayEquals(new int[] {2, 3, 4}, two[1]);
        var part = b.rows(two[1]);
        assertEquals(8, part.length(), "padded to row 4's 8 text positions, not the batch's 9");
        assertEquals(3, part.answerTokens());
        int[][] many = b.shards(8);
        assertEquals(8, many.length);
        assertEquals(6, java.util.Arrays.stream(many).mapToInt(s -> s.length).sum());
        assertEquals(0, many[7].length, "more shards than rows leaves the last ones empty");
        assertThrows(IllegalArgumentException.class, () -> b.shards(0));
    }
}
