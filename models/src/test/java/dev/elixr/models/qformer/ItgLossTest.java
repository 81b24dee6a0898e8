package dev.elixr.models.qformer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Next-token targets of {@link ItgLoss}. */
class ItgLossTest {
    @Test
    void targetsAreTheNextTokensWithPaddingIgnored() {
        TextBatch t = new TextBatch(new int[] {49, 7, 8, 0, 49, 3, 4, 5}, new int[] {1, 1, 1, 0, 1, 1, 1, 1}, 2, 4);
        assertArrayEquals(new int[] {7, 8, -100, 3, 4, 5}, ItgLoss.targets(t));
    }
}
