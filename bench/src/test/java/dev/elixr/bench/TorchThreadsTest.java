package dev.elixr.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** That both torch peers (bench models and bench train) run on our thread count, and bench models' header says so. */
class TorchThreadsTest {
    @Test
    void pinThreadsSetsOmpAndOpenBlasThreadsAndRemovesOtherOpenBlasVariables() {
        ProcessBuilder pb = new ProcessBuilder("true");
        pb.environment().put("OPENBLAS_CORETYPE", "Haswell");
        pb.environment().put("OMP_NUM_THREADS", "16");
        TorchModels.pinThreads(pb.environment(), 3);
        assertEquals("3", pb.environment().get("OMP_NUM_THREADS"));
        assertEquals("3", pb.environment().get("OPENBLAS_NUM_THREADS"));
        assertFalse(pb.environment().containsKey("OPENBLAS_CORETYPE"));
    }

    @Test
    void modelsHeaderNamesOurThreadsAndTheThreadsTorchReported() {
        var rows = List.of(new ModelsComparison.Row("bert-base", 10, 20.0, 22, 100, 2, 2));
        String header = ModelsComparison.header(rows);
        assertTrue(header.contains("2 threads; torch pinned to 2 threads"), header);
        assertTrue(header.contains("torch reports 2"), header);
        assertTrue(header.contains("models frozen, linear layers through packed weights"), header);
    }

    @Test
    void modelsHeaderSaysTorchDidNotRunWhenItHasNoFigures() {
        var rows = List.of(new ModelsComparison.Row("bert-base", 10, null, 22, 100, 1, 0));
        assertTrue(ModelsComparison.header(rows).contains("torch not run"), ModelsComparison.header(rows));
    }
}
