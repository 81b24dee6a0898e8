package dev.elixr.tasks.eval;

import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.ElixrCTrainingJob;
import dev.elixr.tasks.train.ReportText;
import dev.elixr.tasks.train.ReportVocabulary;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/** A tiny synthetic data set (32x32) and an ELIXR-C run trained on it for a few steps: fast inputs for the evaluation plumbing. */
record TinyRun(Path data, Path run) {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    static TinyRun create(Path dir) throws Exception {
        Path data = dir.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(80, 11).withSize(32).withProgress(false).withSplit(0.1, 0.3));
        return new TinyRun(data, train(data, dir.resolve("run"), 5));
    }

    /** A tiny model trained for one epoch on {@code data} into {@code run}. */
    static Path train(Path data, Path run, long seed) throws Exception {
        var texts = MimicCxrJpg.read(data).stream().filter(s -> s.split().equals("train"))
                .map(s -> ReportText.findingsAndImpression(s.report())).toList();
        int vocab = ReportVocabulary.build(texts, 1).size();
        var model = new ElixrCConfig(new ElixrCConfig.Image("conv", ImagePreprocessing.standard(32), new int[] {4, 8}, 1, 16),
                ElixrCConfig.Text.bertSmall(vocab, 16, 1, 2, 32, 48), 8, new ElixrCConfig.Temperature(0.07f, 0.01f));
        var cfg = new ContrastiveTraining.Config(new ContrastiveTraining.Data(1, 16, false),
                new ContrastiveTraining.Optimisation(3e-3, 0.1, 0.2, 1.0), null,
                new ContrastiveTraining.Session(seed, false, 100, 0));
        ElixrCTrainingJob.run(ElixrCTrainingJob.Options.of(data, run, model, cfg), "elixr train elixr-c (test)", QUIET);
        return run;
    }
}
