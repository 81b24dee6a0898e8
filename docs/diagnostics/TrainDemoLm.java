// Diagnostic: the demo plan's instruction LM with another batch, studies, epochs or lr (LanguageDemo.ensureLm's settings otherwise).
// Run: java --add-modules jdk.incubator.vector -cp tools/target/elixr.jar docs/diagnostics/TrainDemoLm.java DATA OUT [STUDIES] [EPOCHS] [BATCH] [LR] [SEED] [STATEMENT_FIRST]
import dev.elixr.tasks.demo.LanguageDemo;
import dev.elixr.tasks.language.InstructionCorpus;
import dev.elixr.tasks.train.*;
import java.nio.file.*;

/** The demo plan's instruction LM (LanguageDemo.ensureLm's settings): DATA OUT [STUDIES] [EPOCHS] */
public class TrainDemoLm {
    public static void main(String[] a) throws Exception {
        Path data = Path.of(a[0]), out = Path.of(a[1]);
        var p = LanguageDemo.Plan.full();
        int studies = a.length > 2 ? Integer.parseInt(a[2]) : p.lmStudies();
        int epochs = a.length > 3 ? Integer.parseInt(a[3]) : p.lmEpochs();
        int batch = a.length > 4 ? Integer.parseInt(a[4]) : p.lmBatch();
        double lr = a.length > 5 ? Double.parseDouble(a[5]) : p.lmLr();
        long seed = a.length > 6 ? Long.parseLong(a[6]) : 1;
        boolean statementFirst = a.length > 7 && Boolean.parseBoolean(a[7]);
        var training = new LmTraining.Config(epochs, batch, new ContrastiveTraining.Optimisation(lr, 0.1, 0.05, 1.0),
                ContrastiveTraining.Session.of(seed).resuming(true));
        LmTrainingJob.run(new LmTrainingJob.Options(data, out, p.lm(), training).withInstructions(new InstructionCorpus(data, studies, statementFirst)),
                "TrainDemoLm", System.out);
    }
}
