package dev.elixr.tasks.train;

import dev.elixr.autograd.AnomalyMode;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.elixr.ElixrCConfigFile;
import dev.elixr.models.elixr.HfTextInit;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.models.text.Vocab;
import dev.elixr.models.text.WordPieceTokenizer;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.DataSufficiency;
import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tasks.data.ImagePipeline;
import dev.elixr.tasks.data.ImageStore;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.SkippedItems;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.random.SplitMix64;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job behind {@code elixr train elixr-c} (the training loop itself is {@link ContrastiveTraining}): reads a data set
 * in the MIMIC-CXR-JPG layout (real or synthetic), builds the vocabulary from the training reports or takes a Hugging
 * Face BERT folder's with its weights (or reuses the run's when resuming), decodes the images through the model's
 * {@link ImagePipeline}, runs the loop, and writes the run directory ({@link ElixrCRun}) with {@code run.json}.
 */
public final class ElixrCTrainingJob {
    private ElixrCTrainingJob() {}

    /**
     * model: the ELIXR-C shape to train; its text tower's vocabulary size is set from the vocabulary the job builds or
     * takes. textEncoder: {@code bert-small} (random initialisation, vocabulary from the training reports) or a Hugging
     * Face BERT folder whose shape, vocabulary, case handling and weights the text tower takes ({@link HfTextInit}); a
     * resumed run keeps the text tower its spec records. detectAnomaly: autograd's per-op NaN/Inf checks
     * ({@link AnomalyMode}), slow, for debugging a diverged run. device: where the model lives and every op (forward,
     * backward, optimiser) runs.
     */
    public record Options(Path data, Path out, ElixrCConfig model, String textEncoder, ContrastiveTraining.Config training,
                          boolean detectAnomaly, Device device, CxrDataset dataset, boolean checkpointActivations) {
        public Options {
            if (dataset == null) dataset = CxrDataset.MIMIC;
        }

        public static Options of(Path data, Path out, ElixrCConfig model, ContrastiveTraining.Config training) {
            return new Options(data, out, model, ElixrCConfig.BERT_SMALL, training, false, Device.CPU, CxrDataset.MIMIC, false);
        }

        public Options withTextEncoder(String t) { return new Options(data, out, model, t, training, detectAnomaly, device, dataset, checkpointActivations); }

        public Options withAnomalyDetection(boolean on) { return new Options(data, out, model, textEncoder, training, on, device, dataset, checkpointActivations); }

        public Options withDevice(Device d) { return new Options(data, out, model, textEncoder, training, detectAnomaly, d, dataset, checkpointActivations); }

        /** The layout of {@code data} ({@link CxrDataset}); it must have reports. */
        public Options withDataset(CxrDataset d) { return new Options(data, out, model, textEncoder, training, detectAnomaly, device, d, checkpointActivations); }

        /** Activation checkpointing of the ViT or EfficientNet tower's blocks ({@link MemoryPlan#checkpointActivations}). */
        public Options withActivationCheckpointing(boolean on) { return new Options(data, out, model, textEncoder, training, detectAnomaly, device, dataset, on); }
    }

    /** The default model ({@link ElixrCConfig#small}) with the given image tower and input size. */
    public static ElixrCConfig defaultModel(String imageEncoder, int imageSize) {
        ElixrCConfig small = ElixrCConfig.small(1);
        return small.withImage(small.image().withEncoder(imageEncoder).withSize(imageSize));
    }

    /**
     * The same with the image decoding named ({@link ImagePreprocessing#DISPLAY}, ours, or
     * {@link ImagePreprocessing#CXR_FOUNDATION}); recorded in the run's config, so every evaluation decodes alike.
     */
    public static ElixrCConfig defaultModel(String imageEncoder, int imageSize, String decode) {
        return defaultModel(imageEncoder, imageSize, decode, defaultModel(imageEncoder, imageSize).image().features());
    }

    /**
     * The same with the image tower's width: a ViT's hidden size (vit-16-12-12 at width 768 is ViT-B/16), the conv
     * tower's feature width; EfficientNet towers keep their own.
     */
    public static ElixrCConfig defaultModel(String imageEncoder, int imageSize, String decode, int imageWidth) {
        ElixrCConfig c = defaultModel(imageEncoder, imageSize);
        ElixrCConfig.Image i = c.image();
        if (imageWidth < 1) throw new IllegalArgumentException("--image-width " + imageWidth + ": must be >= 1");
        return c.withImage(new ElixrCConfig.Image(i.encoder(), i.preprocessing().withDecode(decode), i.convWidths(),
                i.convBlocksPerStage(), imageWidth));
    }

    /**
     * Trains into {@code o.out()}. The data set is checked first, writing nothing: studies whose report is missing, empty
     * or binary and images that cannot be decoded are skipped and counted ({@link SkippedItems}), and a training split
     * with too few usable images is refused ({@link DataSufficiency}). Then the run directory's {@link RunLock} is held
     * throughout (a second writer is refused naming this one); the skip counts go to {@code run.json} and the log's end.
     */
    public static ContrastiveTraining.Outcome run(Options o, String commandLine, PrintStream log) throws IOException {
        if (o.out().toAbsolutePath().normalize().equals(o.data().toAbsolutePath().normalize()))
            throw new IllegalArgumentException("--out " + o.out() + " is the data set folder itself: write the run to another folder");
        RunLock.requireFree(o.out());
        if (!o.training().resume() && Files.isDirectory(o.out().resolve("checkpoints")))
            throw new IllegalArgumentException("run " + o.out() + " already has checkpoints: pass --resume to continue it, or choose another --out");
        Instant started = Instant.now();
        SkippedItems skipped = new SkippedItems();
        if (!o.dataset().hasReports())
            throw new IllegalArgumentException("--dataset " + o.dataset().key() + " has no reports, and ELIXR-C trains on image-report pairs:"
                    + " train on MIMIC-CXR-JPG or IU X-ray and evaluate on " + o.dataset().key() + " (elixr eval ... --dataset " + o.dataset().key() + ")");
        MimicCxrJpg.Contents contents = o.dataset().contents(o.data());
        int listed = split(contents.studies(), "train").size();
        if (listed == 0) throw new IllegalArgumentException("no training images in " + o.data() + " (split 'train' of the " + o.dataset().key() + " data set)");
        List<CxrStudy> train = contents.usable("train", skipped), val = contents.usable("validate", skipped);
        DataSufficiency.require(o.data(), "train", "training", listed, train.size(), skipped, log);
        log.printf("elixr: %d training and %d validation images from %s (%s)%n", train.size(), val.size(), o.data(), o.dataset().key());
        Spec spec = spec(o, train, log);
        Checkpoints checkpoints = new Checkpoints(o.out(), 2);
        ElixrC model = initialModel(spec.config(), o.training().seed(), !checkpoints.list().isEmpty(), log);  // before decoding: fails fast
        if (o.checkpointActivations() && MemoryPlan.checkpointActivations(model, true) == 0)
            throw new IllegalArgumentException("--checkpoint-activations: the image tower " + spec.config().image().encoder()
                    + " has no blocks to checkpoint (it is for vit-... and efficientnet-... towers)");
        MemoryPlan memory = MemoryPlan.estimate(model, Math.min(o.training().data().batch(), train.size()), o.training().data().accumulate(),
                train.size() + val.size(), ImageStore.root() != null);
        log.println(memory.describe());
        if (o.device().equals(Device.CPU)) memory.check();  // on a device the activations live in its memory, not the heap
        ImagePipeline images = ImagePipeline.of(spec.config().image().preprocessing());
        ImageBank trainBank = images.load(train, log, "train");
        ImageBank valBank = images.load(val, log, "validate");
        skipped.addAll(trainBank.skipped()).addAll(valBank.skipped());
        DataSufficiency.require(o.data(), "train", "training", listed, trainBank.count(), skipped, log);
        ContrastiveTraining.Outcome outcome;
        try (RunLock lock = RunLock.acquire(o.out())) {
            outcome = runLocked(o, spec, model, trainBank, valBank, checkpoints, skipped, commandLine, started, log);
        }
        for (String line : skipped.lines()) log.println("elixr: " + line);
        return outcome;
    }

    private static ContrastiveTraining.Outcome runLocked(Options o, Spec spec, ElixrC model, ImageBank trainBank, ImageBank valBank,
                                                         Checkpoints checkpoints, SkippedItems skipped, String commandLine,
                                                         Instant started, PrintStream log) throws IOException {
        Path run = o.out();
        ElixrCConfig cfg = spec.config();
        Vocab vocab = spec.vocab();
        if (!spec.resumed()) {
            ElixrCRun.writeSpec(run, cfg, vocab);
            TrainingSettings.write(run, o.training(), o.model());
        }
        if (!o.device().equals(Device.CPU)) {
            model.to(o.device());
            log.println("elixr: training on " + o.device());
        }
        log.printf("elixr: ELIXR-C with %,d parameters (image tower %s %dx%d, text tower %d-layer BERT%s, vocabulary %d, shared space %d)%n",
                model.parameterCount(), cfg.image().encoder(), cfg.image().size(), cfg.image().size(), cfg.text().bert().layers(),
                cfg.text().fromHf() ? " from " + cfg.text().encoder() : "", vocab.size(), cfg.embedDim());
        ContrastiveTraining.Outcome outcome;
        try (var anomaly = o.detectAnomaly() ? AnomalyMode.detect() : null) {
            if (anomaly != null) log.println("elixr: anomaly detection on: every op's output and gradient is checked for NaN/Inf (slow)");
            outcome = ContrastiveTraining.train(model, new WordPieceTokenizer(vocab, cfg.text().lowercase()), trainBank, valBank,
                    o.training(), checkpoints, log);
        }
        if (outcome.steps() >= outcome.totalSteps()) ElixrCRun.save(run, model, vocab, outcome.history());
        RunInfo.record(run, describe(o, cfg, trainBank.count(), valBank.count()), o.training().seed(),
                cfg.image().preprocessing().describe(), commandLine, started, outcome, skipped);
        return outcome;
    }

    /** The model config and vocabulary of a run; resumed: read from the run (else new, to be written before training). */
    record Spec(ElixrCConfig config, Vocab vocab, boolean resumed) {}

    /**
     * A resumed run's spec as written, or a new one (written by the caller before training, so that a resume rebuilds
     * the same model); writes nothing itself.
     */
    static Spec spec(Options o, List<CxrStudy> train, PrintStream log) throws IOException {
        Path run = o.out();
        String textEncoder = o.textEncoder();
        ElixrCConfig cfg = o.training().resume() ? ElixrCRun.readConfig(run) : null;
        if (cfg != null) {
            TrainingSettings.checkResume(run, o.training(), o.model());
            if (!textEncoder.equals(ElixrCConfig.BERT_SMALL) && !Path.of(textEncoder).toAbsolutePath().normalize().toString().equals(cfg.text().encoder()))
                log.println("elixr: resuming keeps the run's text tower (" + cfg.text().encoder() + "); --text-encoder " + textEncoder + " is not used");
            return new Spec(cfg, Vocab.read(run.resolve(ElixrCRun.VOCAB)), true);
        }
        HfTextInit hf = textEncoder.equals(ElixrCConfig.BERT_SMALL) ? null : HfTextInit.open(Path.of(textEncoder));
        Vocab vocab = hf != null ? hf.vocab()
                : ReportVocabulary.build(train.stream().map(s -> ReportText.findingsAndImpression(s.report())).toList(), 1);
        cfg = hf != null ? hf.configure(o.model()) : o.model().withText(o.model().text().withVocabSize(vocab.size()));
        return new Spec(cfg, vocab, false);
    }

    /**
     * The model before step 1: random by seed, and the text tower from its Hugging Face folder when the config names one.
     * A run with checkpoints to resume from does not need the folder any more (the checkpoint holds every weight).
     */
    static ElixrC initialModel(ElixrCConfig cfg, long seed, boolean hasCheckpoints, PrintStream log) {
        ElixrC model = new ElixrC(cfg, new SplitMix64(seed));
        if (!cfg.text().fromHf()) return model;
        Path dir = Path.of(cfg.text().encoder());
        if (!Files.isDirectory(dir)) {
            if (!hasCheckpoints)
                throw new IllegalArgumentException("the run's text encoder folder " + dir + " (recorded in " + ElixrCRun.CONFIG
                        + ") is gone, and the run has no checkpoint to resume from: restore the folder or start a new run");
            log.println("elixr: text encoder folder " + dir + " is gone; resuming from the run's checkpoints");
            return model;
        }
        HfTextInit hf = HfTextInit.open(dir);
        if (!hf.configure(cfg).text().bertConfig().equals(cfg.text().bertConfig()))
            throw new IllegalArgumentException("text encoder " + dir + " no longer matches the run's " + ElixrCRun.CONFIG
                    + " (" + hf.bertConfig() + " vs " + cfg.text().bertConfig() + ")");
        hf.load(model);
        return model;
    }

    static List<CxrStudy> split(List<CxrStudy> all, String name) {
        return all.stream().filter(s -> s.split().equals(name)).toList();
    }

    static Map<String, Object> describe(Options o, ElixrCConfig cfg, int trainImages, int valImages) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", o.data().toAbsolutePath().toString());
        m.put("dataset", o.dataset().key());
        m.put("train_images", trainImages);
        m.put("validation_images", valImages);
        m.put("model", ElixrCConfigFile.toJson(cfg));
        m.put("training", o.training());
        m.put("checkpoint_activations", o.checkpointActivations());
        return m;
    }
}
