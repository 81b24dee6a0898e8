// Diagnostic: the zero-shot prompt directions of a run (ELIXR-C or ELIXR-B), as eval zero-shot computes them.
// Run: java --add-modules jdk.incubator.vector -cp tools/target/elixr.jar docs/diagnostics/PromptDirections.java RUN OUT.npy
// Writes OUT.npy [13, 2, P]: per CheXpert finding (Findings.CHEXPERT_13 order) the re-normalised mean of the positive
// prompts' text embeddings, then of the negative ones. Read with docs/diagnostics/query_zero_shot.py.
import dev.elixr.autograd.io.Npy;
import dev.elixr.tasks.eval.Embeddings;
import dev.elixr.tasks.eval.Findings;
import dev.elixr.tasks.eval.Prompts;
import dev.elixr.tasks.train.ElixrBRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public class PromptDirections {
    public static void main(String[] a) throws Exception {
        var run = ElixrBRun.load(Path.of(a[0]), System.err);
        Prompts prompts = Prompts.defaults();
        List<float[]> rows = new ArrayList<>();
        for (String f : Findings.CHEXPERT_13) {
            var pair = prompts.byFinding().get(f);
            rows.add(Embeddings.meanDirection(run.embedTexts(pair.positive())));
            rows.add(Embeddings.meanDirection(run.embedTexts(pair.negative())));
        }
        int p = rows.getFirst().length;
        double[] v = new double[rows.size() * p];
        for (int i = 0; i < rows.size(); i++) for (int j = 0; j < p; j++) v[i * p + j] = rows.get(i)[j];
        Npy.write(Path.of(a[1]), Npy.Type.FLOAT32, v, Findings.CHEXPERT_13.size(), 2, p);
    }
}
