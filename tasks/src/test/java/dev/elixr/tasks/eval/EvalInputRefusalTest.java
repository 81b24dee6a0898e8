package dev.elixr.tasks.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad evaluation options and option files are refused naming the option, its range, the file and the line or finding. */
class EvalInputRefusalTest {
    @TempDir Path dir;

    static String refusal(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    @Test void numericOptionsOutsideTheirRangeAreRefusedNamingOptionAndRange() {
        assertEquals("--bootstrap -1: must be in [0, 10000] (resamples for the 95% intervals; 0 leaves the intervals out)",
                refusal(() -> EvalOptions.bootstrap(-1)));
        EvalOptions.bootstrap(0);
        assertEquals("-k 0: must be in [1, 1000] (images ranked per query)", refusal(() -> EvalOptions.k(0)));
        assertTrue(refusal(() -> EvalOptions.fractions(new double[] {0.1, 0}, 3)).startsWith("--fractions 0.0: "));
        assertTrue(refusal(() -> EvalOptions.fractions(new double[] {1.5}, 3)).startsWith("--fractions 1.5: "));
        assertTrue(refusal(() -> EvalOptions.fractions(new double[] {Double.NaN}, 3)).startsWith("--fractions NaN: "));
        assertTrue(refusal(() -> EvalOptions.fractions(new double[] {0.5}, 0)).startsWith("--repeats 0: must be in [1, 100]"));
        assertTrue(refusal(() -> new MlpProbe(new int[] {8}, 0f, 0, 4, 1e-3, 0)).startsWith("--mlp-steps 0: "));
        assertTrue(refusal(() -> new ElixrCEvaluation.Baseline(-1, 30, 150, 32, 2e-3)).startsWith("--baseline-epochs -1: "));
        assertTrue(refusal(() -> new ElixrCEvaluation.Baseline(10, 1, -5, 32, 2e-3)).startsWith("--baseline-max-steps -5: "));
    }

    @Test void aMissingOrEmptyPromptsFileIsRefusedNamingIt() throws IOException {
        Path none = dir.resolve("none.json");
        assertEquals("--prompts " + none + ": no such file", refusal(() -> Prompts.load(none)));
        Path empty = Files.writeString(dir.resolve("empty.json"), "  \n");
        assertEquals("--prompts " + empty + ": the file is empty (expected a JSON object)", refusal(() -> Prompts.load(empty)));
    }

    @Test void anUnparseablePromptsFileIsRefusedNamingFileAndLine() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"findings\": {\n  \"Edema\": {\"positive\": [\"edema\",]\n}}");
        String m = refusal(() -> Prompts.load(bad));
        assertTrue(m.startsWith("--prompts " + bad + ": line 2, column "), m);
        assertTrue(m.contains("not valid JSON"), m);
    }

    @Test void aFindingWithoutAPromptOrUnknownOrMissingIsRefusedNamingIt() throws IOException {
        Path noNegative = Files.writeString(dir.resolve("noneg.json"), "{\"findings\": {\"Edema\": {\"positive\": [\"edema\"], \"negative\": []}}}");
        assertEquals("--prompts " + noNegative + ": finding 'Edema' has no negative prompt", refusal(() -> Prompts.load(noNegative)));
        Path blank = Files.writeString(dir.resolve("blank.json"), "{\"findings\": {\"Edema\": {\"positive\": [\"edema\", \" \"], \"negative\": [\"no edema\"]}}}");
        assertTrue(refusal(() -> Prompts.load(blank)).startsWith("--prompts " + blank + ": finding 'Edema': positive prompt 2 is not a non-empty string"));
        Path unknown = Files.writeString(dir.resolve("unknown.json"), "{\"findings\": {\"Edemaa\": {\"positive\": [\"a\"], \"negative\": [\"b\"]}}}");
        assertTrue(refusal(() -> Prompts.load(unknown)).startsWith("--prompts " + unknown + ": unknown finding 'Edemaa'"));
        Path partial = Files.writeString(dir.resolve("partial.json"), "{\"findings\": {\"Edema\": {\"positive\": [\"a\"], \"negative\": [\"b\"]}}}");
        assertTrue(refusal(() -> Prompts.load(partial)).startsWith("--prompts " + partial + ": no prompts for [Atelectasis, Cardiomegaly"));
    }

    @Test void theShippedPromptsStillLoad() {
        assertEquals(Findings.CHEXPERT_13.size(), Prompts.defaults().byFinding().size());
    }
}
