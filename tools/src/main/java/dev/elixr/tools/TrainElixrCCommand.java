package dev.elixr.tools;

import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.train.Checkpoints;
import dev.elixr.tasks.train.ContrastiveObjective;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.ElixrCTrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code elixr train elixr-c}: contrastive image-report training (ELIXR-C). */
@Command(name = "elixr-c", mixinStandardHelpOptions = true,
        description = "Train ELIXR-C (CLIP-style image-report alignment) on a data set in the MIMIC-CXR-JPG or IU X-ray layout.")
final class TrainElixrCCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--data", required = true, description = "data set root (its layout: --dataset; e.g. elixr demo's data)") Path data;
    @Option(names = "--dataset", defaultValue = CxrDataset.AUTO, paramLabel = DatasetOption.LABEL, description = DatasetOption.TRAINING) String dataset;
    @Option(names = "--out", required = true, description = "run directory to write") Path out;
    @Option(names = "--image-encoder", defaultValue = "conv",
            description = "image tower: conv (default), vit-PATCH-LAYERS-HEADS (e.g. vit-8-4-4), efficientnet-b0") String imageEncoder;
    @Option(names = "--text-encoder", defaultValue = "bert-small", paramLabel = "bert-small|DIR",
            description = "text tower: bert-small (default: random initialisation, vocabulary from the training reports) or a "
                    + "Hugging Face BERT folder (config.json, vocab.txt, model.safetensors or shards) to initialise it from, "
                    + "with that folder's vocabulary") String textEncoder;
    @Option(names = "--image-size", defaultValue = "64", description = "input side in pixels (default 64)") int imageSize;
    @Option(names = "--image-width", defaultValue = "256",
            description = "image tower width: a ViT's hidden size (vit-16-12-12 with 768 is ViT-B/16), the conv tower's feature"
                    + " width; EfficientNet keeps its own (default ${DEFAULT-VALUE})") int imageWidth;
    @Option(names = "--decode", defaultValue = "display", paramLabel = "display|cxr-foundation",
            description = "how image files become grey values: display (default: a DICOM's VOI LUT or window, MONOCHROME1 inverted;"
                    + " PNG/JPEG as stored; then a per-image stretch after the resize) or cxr-foundation (the released ELIXR's: the"
                    + " file's window, MONOCHROME1 inverted, shift to zero and full-range stretch to 16 bits at full resolution);"
                    + " recorded in the run's config") String decode;
    @Option(names = "--epochs", defaultValue = "10") int epochs;
    @Option(names = "--batch", defaultValue = "64") int batch;
    @Option(names = "--accumulate", defaultValue = "1", paramLabel = "N",
            description = "embed and back-propagate each batch in N micro-batches (the gradient cache: the same full-batch gradient"
                    + " of the CLIP loss, one micro-batch's activations in memory; exact for ViT towers, batch-norm towers normalise"
                    + " per micro-batch; default ${DEFAULT-VALUE})") int accumulate;
    @Option(names = "--checkpoint-activations",
            description = "ViT and EfficientNet towers: keep only each transformer or MBConv block's input and recompute the block in the backward (less memory, one"
                    + " more forward)") boolean checkpointActivations;
    @Option(names = "--lr", defaultValue = "2e-3", description = "peak learning rate (AdamW, warm-up then cosine)") double lr;
    @Option(names = "--weight-decay", defaultValue = "0.1") double weightDecay;
    @Option(names = "--warmup", defaultValue = "0.1", description = "warm-up as a fraction of all steps") double warmup;
    @Option(names = "--grad-clip", defaultValue = "1.0", description = "global gradient-norm clip") double gradClip;
    @Option(names = "--checkpoint-every", defaultValue = "50", description = "steps between checkpoints (and one at the end)") int checkpointEvery;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--resume", description = "continue from the run's newest checkpoint") boolean resume;
    @Option(names = "--no-augment", description = "turn training augmentation off") boolean noAugment;
    @Option(names = "--detect-anomaly", description = "check every op's output and gradient for NaN/Inf and name the first bad op (slow; for debugging a run that stopped on NaN: resume it with this)") boolean detectAnomaly;
    @picocli.CommandLine.Mixin ObjectiveOptions objective;
    @picocli.CommandLine.Mixin DeviceOption device = new DeviceOption();
    @Option(names = "--stop-after", defaultValue = "0", hidden = true, description = "stop after this step (testing)") long stopAfter;

    @Override
    public Integer call() throws Exception {
        if (imageSize < ImagePreprocessing.MIN_SIZE || imageSize > ImagePreprocessing.MAX_SIZE)
            throw new IllegalArgumentException("--image-size " + imageSize + ": the image side must be in [" + ImagePreprocessing.MIN_SIZE
                    + ", " + ImagePreprocessing.MAX_SIZE + "] pixels");
        if (resume && new Checkpoints(out, 2).list().isEmpty())
            throw new IllegalArgumentException("--resume: " + out + " has no checkpoint to continue from (" + out.resolve("checkpoints")
                    + " is empty or missing); run without --resume to start it");
        var training = new ContrastiveTraining.Config(new ContrastiveTraining.Data(epochs, batch, !noAugment, accumulate),
                new ContrastiveTraining.Optimisation(lr, weightDecay, warmup, gradClip),
                objective.objective(ContrastiveObjective.recommended()),
                new ContrastiveTraining.Session(seed, resume, checkpointEvery, stopAfter));
        var options = ElixrCTrainingJob.Options.of(data, out, ElixrCTrainingJob.defaultModel(imageEncoder, imageSize, decode, imageWidth), training)
                .withTextEncoder(textEncoder).withAnomalyDetection(detectAnomaly).withDevice(device.open())
                .withDataset(CxrDataset.resolve(dataset, data)).withActivationCheckpointing(checkpointActivations);
        var o = ElixrCTrainingJob.run(options, CommandLineText.of(spec), System.err);
        System.out.printf("trained %d/%d steps in %.1f s (%.1f images/s); run: %s%n", o.steps(), o.totalSteps(), o.seconds(),
                o.imagesPerSecond(), out.toAbsolutePath());
        return 0;
    }
}
