package dev.elixr.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench models --rounds: medians over rounds, each round's ratio in the table and the JSON, bad counts refused. */
class ModelsRoundsTest {
    @Test
    void medianOfRoundsIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
        assertEquals(3.0, ModelsComparison.median(new double[] {5, 1, 3}));
        assertEquals(2.5, ModelsComparison.median(new double[] {4, 1, 3, 2}));
    }

    @Test
    void tableAndJsonShowEveryRoundsRatioAndTheHeaderTheRoundCount() {
        var rows = List.of(new ModelsComparison.Row("efficientnet-b0", 16, 17.0, 0.77, 460, 2, 2, new double[] {0.93, 1.10, 0.88}));
        String table = ModelsComparison.table(rows);
        assertTrue(table.contains("median of 3 rounds, ours and torch alternated"), table);
        assertTrue(table.contains("ratio per round"), table);
        assertTrue(table.contains(" 0.93 1.10 0.88"), table);
        assertTrue(rows.getFirst().json().contains("\"round_ratios\":[0.9300,1.1000,0.8800]"), rows.getFirst().json());
    }

    @Test
    void oneRoundPrintsNoPerRoundColumn() {
        var rows = List.of(new ModelsComparison.Row("bert-base", 10, 20.0, 22, 100, 2, 2, new double[] {0.5}));
        assertTrue(!ModelsComparison.table(rows).contains("ratio per round"), ModelsComparison.table(rows));
    }

    @Test
    void zeroRoundsAreRefusedBeforeAnythingRuns() {
        var e = assertThrows(IllegalArgumentException.class, () -> ModelsComparison.run(List.of("bert-base"), 1, 1, false, dev.elixr.tensor.Device.CPU, 0));
        assertTrue(e.getMessage().contains("--rounds must be >= 1"), e.getMessage());
    }
}
