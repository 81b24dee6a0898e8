package dev.elixr.tasks.train;

import dev.elixr.autograd.AnomalyMode;
import dev.elixr.autograd.SplitMix64;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.text.Vocab;
import dev.elixr.models.text.WordPieceTokenizer;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code elixr train elixr-c}: reads a data set in the MIMIC-CXR-JPG layout (real or synthetic), builds the
 * vocabulary from the training reports (or reuses the run's when resuming), trains ELIXR-C, and writes the run
 * directory ({@link ElixrCRun}) with {@code run.json}.
 */
public final class ElixrCTrainer {
    private ElixrCTrainer() {}

    /** detectAnomaly: autograd's per-op NaN/Inf checks ({@link AnomalyMode}), slow, for debugging a diverged run. */
    public record Options(Path data, Path out, ElixrCConfig model, ContrastiveTraining.Config training, boolean detectAnomaly) {
        public Options(Path data, Path out, ElixrCConfig model, ContrastiveTraining.Config training) {
            this(data, out, model, training, false);
        }
    }

    /** The default model for a vocabulary size and image size. */
    public static ElixrCConfig defaultModel(int vocabSize, int imageSize) {
        return ElixrCConfig.small(vocabSize).withImageSize(imageSize);
    }

    public static ContrastiveTraining.Outcome run(Options o, int imageSize, String imageEncoder, String commandLine, PrintStream log) throws IOException {
        Instant started = Instant.now();
        List<CxrStudy> all = MimicCxrJpg.read(o.data());
        List<CxrStudy> train = split(all, "train"), val = split(all, "validate");
        if (train.isEmpty()) throw new IllegalArgumentException("no training images in " + o.data() + " (split 'train' of " + MimicCxrJpg.SPLIT + ")");
        log.printf("elixr: %d training and %d validation images from %s%n", train.size(), val.size(), o.data());
        Path run = o.out();
        ElixrCConfig cfg = o.training().resume() ? ElixrCRun.readConfig(run) : null;
        Vocab vocab;
        if (cfg != null) {
            vocab = Vocab.read(run.resolve(ElixrCRun.VOCAB));
        } else {
            if (!o.training().resume() && Files.isDirectory(run.resolve("checkpoints")))
                throw new IllegalArgumentException("run " + run + " already has checkpoints: pass --resume to continue it, or choose another --out");
            vocab = ReportVocabulary.build(train.stream().map(s -> ReportText.findingsAndImpression(s.report())).toList(), 1);
            cfg = o.model() != null ? o.model() : defaultModel(vocab.size(), imageSize).withImageEncoder(imageEncoder);
            ElixrCRun.writeSpec(run, cfg, vocab);
        }
        ImageBank trainBank = ImageBank.load(train, cfg.imageSize(), log, "train");
        ImageBank valBank = ImageBank.load(val, cfg.imageSize(), log, "validate");
        ElixrC model = new ElixrC(cfg, new SplitMix64(o.training().seed()));
        log.printf("elixr: ELIXR-C with %,d parameters (image tower %s %dx%d, text tower %d-layer BERT, vocabulary %d, shared space %d)%n",
                model.parameterCount(), cfg.imageEncoder(), cfg.imageSize(), cfg.imageSize(), cfg.textLayers(), vocab.size(), cfg.embedDim());
        ContrastiveTraining.Outcome outcome;
        try (var anomaly = o.detectAnomaly() ? AnomalyMode.detect() : null) {
            if (anomaly != null) log.println("elixr: anomaly detection on: every op's output and gradient is checked for NaN/Inf (slow)");
            outcome = ContrastiveTraining.train(model, new WordPieceTokenizer(vocab, true), trainBank, valBank, o.training(),
                    new Checkpoints(run, 2), log);
        }
        if (outcome.steps() >= outcome.totalSteps()) ElixrCRun.save(run, model, vocab, outcome.history());
        RunInfo.record(run, describe(o, cfg, trainBank.count(), valBank.count()), o.training().seed(), commandLine, started, outcome);
        return outcome;
    }

    static List<CxrStudy> split(List<CxrStudy> all, String name) {
        return all.stream().filter(s -> s.split().equals(name)).toList();
    }

    static Map<String, Object> describe(Options o, ElixrCConfig cfg, int trainImages, int valImages) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", o.data().toAbsolutePath().toString());
        m.put("train_images", trainImages);
        m.put("validation_images", valImages);
        m.put("model", cfg);
        m.put("training", o.training());
        return m;
    }
}
