package dev.elixr.tasks.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CentredTextEncoderTest {
    /** A fixed lookup table standing in for the text tower. */
    static final Map<String, float[]> TABLE = Map.of(
            "a", new float[] {1, 0, 0}, "b", new float[] {0, 1, 0}, "c", new float[] {0.6f, 0.8f, 0}, "q", new float[] {0.8f, 0, 0.6f});
    static final TextEncoder LOOKUP = texts -> texts.stream().map(TABLE::get).toArray(float[][]::new);

    @Test void meanOfTheCorpusIsTheAverageEmbedding() {
        assertArrayEquals(new float[] {0.5f, 0.5f, 0}, CentredTextEncoder.meanOf(LOOKUP, List.of("a", "b")), 1e-7f);
    }

    @Test void subtractsTheCentreAndRenormalises() {
        var enc = new CentredTextEncoder(LOOKUP, new float[] {0.5f, 0.5f, 0});
        float[] got = enc.encode(List.of("q"))[0];
        double nx = 0.3, ny = -0.5, nz = 0.6, n = Math.sqrt(nx * nx + ny * ny + nz * nz);
        assertArrayEquals(new float[] {(float) (nx / n), (float) (ny / n), (float) (nz / n)}, got, 1e-6f);
    }

    @Test void emptyCorpusIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> CentredTextEncoder.meanOf(LOOKUP, List.of()));
        assertTrue(e.getMessage().contains("empty"));
    }
}
