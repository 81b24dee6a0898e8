package dev.elixr.spark;

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

/** A tiny synthetic archive in the MIMIC-CXR-JPG layout (32x32 images, as `elixr data synth` writes) and an ELIXR-C run trained on it for one epoch. */
record TinyArchive(Path data, Path run) {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    static TinyArchive create(Path dir, int studies) throws Exception {
        Path data = dir.resolve("data"), run = dir.resolve("run");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(studies, 23).withSize(32).withProgress(false).withSplit(0.1, 0.3));
        var texts = MimicCxrJpg.read(data).stream().filter(s -> s.split().equals("train"))
                .map(s -> ReportText.findingsAndImpression(s.report())).toList();
        int vocab = ReportVocabulary.build(texts, 1).size();
        var model = new ElixrCConfig(new ElixrCConfig.Image("conv", ImagePreprocessing.standard(32), new int[] {4, 8}, 1, 16),
                ElixrCConfig.Text.bertSmall(vocab, 16, 1, 2, 32, 48), 8, new ElixrCConfig.Temperature(0.07f, 0.01f));
        var cfg = new ContrastiveTraining.Config(new ContrastiveTraining.Data(1, 16, false),
                new ContrastiveTraining.Optimisation(3e-3, 0.1, 0.2, 1.0), null, new ContrastiveTraining.Session(5, false, 100, 0));
        ElixrCTrainingJob.run(ElixrCTrainingJob.Options.of(data, run, model, cfg), "elixr train elixr-c (test)", QUIET);
        return new TinyArchive(data, run);
    }
}
