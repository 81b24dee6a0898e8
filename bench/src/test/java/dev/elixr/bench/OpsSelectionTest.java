package dev.elixr.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code elixr bench ops --only}: which default rows a list of texts keeps. */
class OpsSelectionTest {
    private static List<String> rows(List<String> texts) {
        return OpsComparison.select(OpsComparison.defaultCases(), texts).stream().map(c -> c.op() + " " + c.shape()).toList();
    }

    @Test
    void noTextKeepsEveryRow() {
        assertEquals(OpsComparison.defaultCases().size(), rows(List.of()).size());
    }

    @Test
    void aTextKeepsTheRowsWhoseOpOrShapeContainsIt() {
        assertEquals(List.of("conv2d 3x3 [1,32,112,112]->64 s2"), rows(List.of("s2")));
        assertEquals(List.of("conv2d 1x1 [1,256,56,56]->64", "depthwise 5x5 [16,240,28,28]"), rows(List.of("depthwise 5x5", "1x1")));
        assertEquals(List.of(), rows(List.of("no such op")));
    }
}
