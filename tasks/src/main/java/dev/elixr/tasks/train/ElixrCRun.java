package dev.elixr.tasks.train;

import dev.elixr.autograd.GradMode;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.elixr.ElixrCConfigFile;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.models.text.Vocab;
import dev.elixr.models.text.WordPieceTokenizer;
import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tasks.data.ImagePipeline;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A trained ELIXR-C run directory: {@code elixr-c.json} (model config, image preprocessing, text tower shape and case
 * handling included, see {@link ElixrCConfigFile}),
 * {@code vocab.txt}, {@code model.safetensors} (final weights), {@code history.json}, {@code run.json} and
 * {@code checkpoints/}: self-contained, also when the text tower started from a Hugging Face folder. Loads the model in eval mode and
 * embeds images (through the {@link ImagePipeline} of its config) and texts in batches without recording a graph.
 */
public final class ElixrCRun {
    public static final String CONFIG = "elixr-c.json", VOCAB = "vocab.txt", WEIGHTS = "model.safetensors", HISTORY = "history.json";

    private final Path dir;
    private final ElixrC model;
    private final WordPieceTokenizer tokenizer;

    public ElixrCRun(Path dir, ElixrC model, WordPieceTokenizer tokenizer) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** Writes the model config and vocabulary (before training, so that a resumed run rebuilds the same model). */
    public static void writeSpec(Path dir, ElixrCConfig config, Vocab vocab) throws IOException {
        Files.createDirectories(dir);
        ElixrCConfigFile.write(dir.resolve(CONFIG), config);
        Files.write(dir.resolve(VOCAB), vocabLines(vocab), StandardCharsets.UTF_8);
    }

    /** The spec written by {@link #writeSpec}, or null when the run has none yet. */
    public static ElixrCConfig readConfig(Path dir) throws IOException {
        Path f = dir.resolve(CONFIG);
        return Files.exists(f) ? ElixrCConfigFile.read(f) : null;
    }

    /** Writes the final weights and curves (the config and vocabulary too). */
    public static void save(Path dir, ElixrC model, Vocab vocab, TrainingHistory history) throws IOException {
        writeSpec(dir, model.config(), vocab);
        Path tmp = dir.resolve(WEIGHTS + ".tmp");
        try {
            Safetensors.write(tmp, model.stateDict());
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot write " + dir.resolve(WEIGHTS) + ": " + WriteFailure.reason(e)
                    + "; the run's checkpoints are intact (--resume writes the weights again)", e);
        }
        Files.move(tmp, dir.resolve(WEIGHTS), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        history.write(dir.resolve(HISTORY));
    }

    public static ElixrCRun load(Path dir) throws IOException {
        for (String f : List.of(CONFIG, VOCAB, WEIGHTS))
            if (!Files.exists(dir.resolve(f)))
                throw new NoSuchFileException(dir.resolve(f).toString(), null,
                        "not a finished ELIXR-C run (train one with: elixr train elixr-c --data DIR --out " + dir + ")");
        ElixrCConfig cfg = ElixrCConfigFile.read(dir.resolve(CONFIG));
        ElixrC model = new ElixrC(cfg, new SplitMix64(0));
        model.loadStateDict(Safetensors.read(dir.resolve(WEIGHTS)), true);
        model.eval();
        return new ElixrCRun(dir, model, new WordPieceTokenizer(Vocab.read(dir.resolve(VOCAB)), cfg.text().lowercase()));
    }

    static List<String> vocabLines(Vocab v) {
        String[] t = new String[v.size()];
        for (int i = 0; i < t.length; i++) t[i] = v.token(i);
        return List.of(t);
    }

    public Path dir() { return dir; }

    public ElixrC model() { return model; }

    public WordPieceTokenizer tokenizer() { return tokenizer; }

    /** The image path this run was trained with (its saved preprocessing); {@link ImagePipeline#load} decodes a split. */
    public ImagePipeline imagePipeline() { return ImagePipeline.of(model.config().image().preprocessing()); }

    public TrainingHistory history() throws IOException {
        Path h = dir.resolve(HISTORY);
        return Files.exists(h) ? TrainingHistory.read(h) : null;
    }

    /** L2-normalised image embeddings [n][E]. */
    public float[][] embedImages(ImageBank bank) {
        return images(bank, true);
    }

    /** Image-tower features [n][F] (before the projection), as the probes use them. */
    public float[][] imageFeatures(ImageBank bank) {
        return images(bank, false);
    }

    private float[][] images(ImageBank bank, boolean projected) {
        var trained = model.config().image().preprocessing();
        if (!bank.pipeline().preprocessing().equals(trained))
            throw new IllegalArgumentException("images preprocessed as " + bank.pipeline().preprocessing() + ", but the run "
                    + dir + " was trained on " + trained + ": load them with its imagePipeline()");
        model.eval();
        float[][] out = new float[bank.count()][];
        int b = 64;
        try (var g = GradMode.noGrad()) {
            for (int s = 0; s < bank.count(); s += b) {
                int[] rows = IntStream.range(s, Math.min(bank.count(), s + b)).toArray();
                Var px = Var.of(bank.batch(rows, null));
                rows(projected ? model.embedImages(px).value() : model.imageFeatures(px).value(), out, s);
            }
        }
        return out;
    }

    /** L2-normalised text embeddings [n][E] (the text side of the evaluations). */
    public float[][] embedTexts(List<String> texts) {
        model.eval();
        float[][] out = new float[texts.size()][];
        int pad = tokenizer.vocab().id(WordPieceTokenizer.PAD);
        try (var g = GradMode.noGrad()) {
            for (int s = 0; s < texts.size(); s += 64) {
                List<Encoding> enc = texts.subList(s, Math.min(texts.size(), s + 64)).stream()
                        .map(t -> tokenizer.encode(t, model.config().text().maxTokens(), false)).toList();
                int[] rows = IntStream.range(0, enc.size()).toArray();
                rows(model.embedTexts(TokenBatch.of(enc, rows, pad)).value(), out, s);
            }
        }
        return out;
    }

    private static void rows(Tensor t, float[][] out, int start) {
        int n = t.size(0), d = t.size(1);
        float[] flat = t.contiguous().toFloatArray();
        for (int i = 0; i < n; i++) out[start + i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
    }
}
