package dev.elixr.tasks.language;

import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.models.qformer.LanguageProjection;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.ElixrCTrainingJob;
import dev.elixr.tasks.train.QFormerTraining;
import dev.elixr.tasks.train.QFormerTrainingJob;
import dev.elixr.tasks.train.ReportText;
import dev.elixr.tasks.train.ReportVocabulary;
import dev.elixr.tensor.ops.Elementwise;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Inputs of a stage-2 training, all tiny: a synthetic set (60 studies, 32×32), an ELIXR-C run (a 2-stage conv tower),
 * an ELIXR-B stage-1 run (one epoch of the tiny Q-Former), and a random 1-layer Llama (width 32, 512 positions, weights
 * N(0, 0.3²)) with the
 * byte-level test tokenizer of the LLM fixtures (vocabulary 367, end of text 365).
 */
public record Stage2Fixture(Path data, Path imageRun, Path stage1Run, Path llm) {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    static final Path TOKENIZER = Path.of("..", "models", "src", "test", "resources", "fixtures", "llm", "tokenizers", "byte_level", "tokenizer.json");

    public static Stage2Fixture create(Path dir) throws Exception {
        Path data = dir.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(60, 13).withSize(32).withProgress(false).withSplit(0.15, 0.25));
        var texts = MimicCxrJpg.read(data).stream().filter(s -> s.split().equals("train"))
                .map(s -> ReportText.findingsAndImpression(s.report())).toList();
        int vocab = ReportVocabulary.build(texts, 1).size();
        var model = new ElixrCConfig(new ElixrCConfig.Image("conv", ImagePreprocessing.standard(32), new int[] {4, 8}, 1, 16),
                ElixrCConfig.Text.bertSmall(vocab, 16, 1, 2, 32, 48), 8, new ElixrCConfig.Temperature(0.07f, 0.01f));
        Path runC = dir.resolve("run-c"), runB = dir.resolve("run-b"), llm = dir.resolve("llm");
        ElixrCTrainingJob.run(ElixrCTrainingJob.Options.of(data, runC, model,
                new ContrastiveTraining.Config(new ContrastiveTraining.Data(1, 16, false), new ContrastiveTraining.Optimisation(3e-3, 0.1, 0.2, 1.0),
                        null, new ContrastiveTraining.Session(5, false, 100, 0))), "test", QUIET);
        QFormerTrainingJob.run(new QFormerTrainingJob.Options(data, runC, runB, new QFormerTrainingJob.Shape(16, 1, 2, 4, 8),
                new QFormerTraining.Config(new ContrastiveTraining.Data(1, 8, false), new ContrastiveTraining.Optimisation(2e-3, 0.05, 0.1, 1.0),
                        new ContrastiveTraining.Session(3, false, 100, 0))), "test", QUIET);
        var c = new LlamaConfig("llama", 367, 32, 64, 1, 4, 2, 8, 1e-5f, 10000, null, false, false, false, true, 512, 0, 364, new int[] {365});
        LlamaModel lm = LlamaModel.random(c, 21);
        // weights of std 0.3 instead of 0.02: a trained model's attention reads its context; at 0.02 every position's
        // next-token distribution is nearly uniform whatever comes before it, and no soft prompt could steer it
        for (var p : lm.parameters()) if (p.dim() >= 2) p.assign(Elementwise.mul(p.value(), 15f));
        lm.save(llm);
        Files.copy(TOKENIZER, llm.resolve("tokenizer.json"));
        return new Stage2Fixture(data, runC, runB, llm);
    }

    public Stage2Job.Options options(Path out, int steps, double lr, boolean resume, long stopAfter) {
        return options(out, TaskMix.standard(), steps, lr, resume, stopAfter);
    }

    Stage2Job.Options options(Path out, TaskMix mix, int steps, double lr, boolean resume, long stopAfter) {
        return new Stage2Job.Options(data, stage1Run, llm, out, LanguageProjection.Kind.MLP, false, mix, 24, 8,
                new Stage2Training.Config(steps, 6, 0, new ContrastiveTraining.Optimisation(lr, 0.0, 0.1, 1.0),
                        new ContrastiveTraining.Session(9, resume, 2, stopAfter)));
    }

}
