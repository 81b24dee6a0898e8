package dev.elixr.tools;

import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.QFormerTraining;
import dev.elixr.tasks.train.QFormerTrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code elixr train elixr-b --stage 1}: the Q-Former on the frozen ELIXR-C image tower (ITC + ITM + ITG). */
@Command(name = "elixr-b", mixinStandardHelpOptions = true,
        description = "Train ELIXR-B stage 1: a BLIP-2 Q-Former (ITC + ITM + ITG) on the frozen image tower of an ELIXR-C run, "
                + "whose spatial tokens are computed once and cached in the run directory.")
final class TrainElixrBCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--stage", required = true, description = "training stage (only 1, image-text alignment, exists)") int stage;
    @Option(names = "--image-run", required = true, description = "a finished ELIXR-C run directory (elixr train elixr-c)") Path imageRun;
    @Option(names = "--data", required = true, description = "data set root (MIMIC-CXR-JPG layout, e.g. from elixr demo)") Path data;
    @Option(names = "--out", required = true, description = "run directory to write") Path out;
    @Option(names = "--width", defaultValue = "64", description = "Q-Former width (default 64; the paper's is 768)") int width;
    @Option(names = "--layers", defaultValue = "2", description = "Q-Former layers (default 2; the paper's 12)") int layers;
    @Option(names = "--heads", defaultValue = "4") int heads;
    @Option(names = "--queries", defaultValue = "8", description = "learned queries (default 8; the paper's 32)") int queries;
    @Option(names = "--projection", defaultValue = "32", description = "ITC projection width (default 32; ELIXR's 128)") int projection;
    @Option(names = "--epochs", defaultValue = "10") int epochs;
    @Option(names = "--batch", defaultValue = "32") int batch;
    @Option(names = "--lr", defaultValue = "1e-3", description = "peak learning rate (AdamW, warm-up then cosine)") double lr;
    @Option(names = "--weight-decay", defaultValue = "0.05") double weightDecay;
    @Option(names = "--warmup", defaultValue = "0.1", description = "warm-up as a fraction of all steps") double warmup;
    @Option(names = "--grad-clip", defaultValue = "1.0", description = "global gradient-norm clip") double gradClip;
    @Option(names = "--checkpoint-every", defaultValue = "50", description = "steps between checkpoints (and one at the end)") int checkpointEvery;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--resume", description = "continue from the run's newest checkpoint") boolean resume;
    @Option(names = "--stop-after", defaultValue = "0", hidden = true, description = "stop after this step (testing)") long stopAfter;

    @Override
    public Integer call() throws Exception {
        if (stage != 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--stage " + stage + ": only stage 1 exists");
        var training = new QFormerTraining.Config(new ContrastiveTraining.Data(epochs, batch, false),
                new ContrastiveTraining.Optimisation(lr, weightDecay, warmup, gradClip),
                new ContrastiveTraining.Session(seed, resume, checkpointEvery, stopAfter));
        var options = new QFormerTrainingJob.Options(data, imageRun, out,
                new QFormerTrainingJob.Shape(width, layers, heads, queries, projection), training);
        var o = QFormerTrainingJob.run(options, CommandLineText.of(spec), System.err);
        System.out.printf("trained %d/%d steps in %.1f s (%.1f images/s); run: %s%n", o.steps(), o.totalSteps(), o.seconds(),
                o.imagesPerSecond(), out.toAbsolutePath());
        return 0;
    }
}
