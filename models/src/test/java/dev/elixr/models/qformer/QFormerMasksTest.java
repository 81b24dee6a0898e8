package dev.elixr.models.qformer;

import dev.elixr.models.transformer.AttentionMasks;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The three masks of {@link QFormerMasks} against hand-written expectations: 2 queries (q0 q1) then 3 text tokens
 * (t0 t1 t2); row 0 of the batch has t2 padded, row 1 none. 'x' = may attend, '.' = masked; rows attend to columns.
 */
class QFormerMasksTest {
    static final TextBatch TEXT = new TextBatch(new int[] {5, 6, 0, 5, 6, 7}, new int[] {1, 1, 0, 1, 1, 1}, 2, 3);

    @Test
    void itcIsUnimodalQueriesSeeQueriesTextSeesUnpaddedText() {
        check(QFormerMasks.Objective.ITC,
                new String[] {"xx...", "xx...", "..xx.", "..xx.", "..xx."},
                new String[] {"xx...", "xx...", "..xxx", "..xxx", "..xxx"});
    }

    @Test
    void itmIsBidirectionalEverythingSeesEverythingButPadding() {
        check(QFormerMasks.Objective.ITM,
                new String[] {"xxxx.", "xxxx.", "xxxx.", "xxxx.", "xxxx."},
                new String[] {"xxxxx", "xxxxx", "xxxxx", "xxxxx", "xxxxx"});
    }

    @Test
    void itgQueriesSeeQueriesTextSeesAllQueriesAndEarlierUnpaddedText() {
        check(QFormerMasks.Objective.ITG,
                new String[] {"xx...", "xx...", "xxx..", "xxxx.", "xxxx."},
                new String[] {"xx...", "xx...", "xxx..", "xxxx.", "xxxxx"});
    }

    @Test
    void textRowsAreTheLastLRowsOfTheMask() {
        Tensor full = QFormerMasks.build(QFormerMasks.Objective.ITG, 2, TEXT);
        Tensor rows = QFormerMasks.textRows(full, 2);
        assertEquals(java.util.List.of(2, 1, 3, 5), java.util.Arrays.stream(rows.shape()).boxed().toList());
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 5; j++) assertEquals(full.get(b, 0, i + 2, j), rows.get(b, 0, i, j));
    }

    private static void check(QFormerMasks.Objective objective, String[] row0, String[] row1) {
        Tensor m = QFormerMasks.build(objective, 2, TEXT);
        assertEquals(java.util.List.of(2, 1, 5, 5), java.util.Arrays.stream(m.shape()).boxed().toList());
        String[][] expected = {row0, row1};
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 5; i++)
                for (int j = 0; j < 5; j++) {
                    float want = expected[b][i].charAt(j) == 'x' ? 0f : AttentionMasks.MASKED;
                    int bb = b, ii = i, jj = j;
                    assertEquals(want, m.get(b, 0, i, j), () -> objective + " batch " + bb + " row " + ii + " column " + jj);
                }
    }
}
