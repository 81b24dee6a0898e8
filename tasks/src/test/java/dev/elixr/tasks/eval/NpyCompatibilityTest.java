package dev.elixr.tasks.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Exported embeddings are byte for byte what numpy.save writes (fixture from eval/npy/make_npy_fixture.py, numpy 1.24). */
class NpyCompatibilityTest {
    @Test void embeddingsFileIsWhatNumpySaveWrites(@TempDir Path dir) throws Exception {
        float[][] rows = new float[3][5];
        for (int i = 0; i < 15; i++) rows[i / 5][i % 5] = (i - 7f) / 3f;
        Path out = dir.resolve("e.npy");
        EmbeddingExport.writeNpy(out, rows, 5);
        byte[] expected;
        try (InputStream in = getClass().getResourceAsStream("/eval/npy/numpy-float32-3x5.npy")) {
            expected = in.readAllBytes();
        }
        assertArrayEquals(expected, Files.readAllBytes(out));
        ReproducibilityTest.assertNpyHeaderIsNumpys(out, 3, 5);
    }

    @Test void raggedRowsAreRefused(@TempDir Path dir) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingExport.writeNpy(dir.resolve("e.npy"), new float[][] {{1, 2}, {3}}, 2));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    }
}
